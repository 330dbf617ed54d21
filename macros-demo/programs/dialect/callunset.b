// Calling a global the program never set: a located error that names the global.
GET "libhdr"
GLOBAL { f: 301 }
LET start() BE f(1)
