//! The UTF-8 of BCPL's extended characters, written the same way into strings by
//! [`super::lexer`] (`*#` escapes) and to streams by [`super::library`] (`codewrch`, `%#`).

/// Appends `code` (at most 31 bits) in UTF-8 as it was first defined, with up to six bytes,
/// as Cintcode writes a `*#` code into a string and `codewrch` (blib's `utf8wrch`) to a stream.
pub fn utf8(code: u32, out: &mut Vec<u8>) {
    let len = match code {
        0..=0x7F => {
            out.push(code as u8);
            return;
        }
        0x80..=0x7FF => 2,
        0x800..=0xFFFF => 3,
        0x1_0000..=0x1F_FFFF => 4,
        0x20_0000..=0x3FF_FFFF => 5,
        _ => 6,
    };
    // The lead byte has `len` high ones; each continuation byte holds six bits.
    let lead = (0xFF00u32 >> len) as u8;
    out.push(lead | (code >> (6 * (len - 1))) as u8);
    for k in (0..len - 1).rev() {
        out.push(0x80 | ((code >> (6 * k)) & 0x3F) as u8);
    }
}
