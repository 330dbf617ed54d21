//! scratch
use macros_demo::bcpl;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let which = std::env::args().nth(2).unwrap();
    let src = std::fs::read(&path).unwrap();
    let prog = bcpl::front_end(&src).unwrap();
    let ctx = bcpl::codegen::Context {
        callables: prog.funcs.len() + bcpl::library::COUNT,
    };
    for (i, f) in prog.funcs.iter().enumerate() {
        if f.name == which {
            let code = bcpl::codegen_x64::compile(f, i, &ctx).unwrap();
            std::fs::write("/tmp/dump.bin", code.bytes()).unwrap();
        }
    }
}
