// The globals the sections of sections.b share.
GLOBAL { helper: 200 }
MANIFEST { shared = 7 }
