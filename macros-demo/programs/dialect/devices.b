// SDL and OpenGL in a system without them, as Cintcode built without them answers: every
// request gives 0, which their libraries (g/sdl.b, g/gl.b) read as "not available". The
// first globals of those libraries are libhdr's manifests. (Sys_sound answers 0 too, as
// Cintcode built without SOUND does; a Linux build of Cintcode has it, so it is not shown.)
GET "libhdr"

MANIFEST { sdl_avail=0; sdl_init=1; sdl_setvideomode=2; sdl_geterror=8
           gl_avail=0
         }

GLOBAL { screen: g_sdlbase; screen1 }

LET start() = VALOF
{ LET mes = VEC 256/bytesperword
  writef("bases %n %n %n %n %n %n %n*n", g_grbase, g_bdrawbase, g_sdlbase, g_glbase,
         g_sndbase, g_alsabase, g_extbase)
  writef("sdl available %n, gl available %n*n", sys(Sys_sdl, sdl_avail), sys(Sys_gl, gl_avail))
  IF sys(Sys_sdl, sdl_init, 0) DO writef("Unable to initialise SDL*n")
  screen, screen1 := 1, 2
  UNLESS sys(Sys_sdl, sdl_setvideomode, 640, 480, 32, 0, @screen) DO
  { mes%0 := 0
    sys(Sys_sdl, sdl_geterror, mes)
    writef("Unable to set video mode: %s*n", mes)
  }
  writef("screen %n %n*n", screen, screen1)
  writef("buttons %n*n", sys(Sys_buttons))
  writef("graphics window %n*n", sys(Sys_graphics, 1))
  RESULTIS 0
}
