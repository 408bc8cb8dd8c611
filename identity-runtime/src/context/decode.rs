//! `custom.netlify`'s base64.
//!
//! Netlify encodes with standard base64 and padding; that form is decoded here directly, two
//! quads of characters at a time through tables that hold each character's bits in place, where
//! the `base64` crate's general decoder took an eighth of a small invocation's instructions.
//! Anything else (another alphabet, no padding, a character out of place) goes to the `base64`
//! crate, whose answer is final. The test below checks that wherever the direct decoder
//! answers, the crate's standard engine answers the same.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// Decodes standard base64, also accepting the URL-safe alphabet and missing padding.
pub(super) fn base64(text: &str) -> Option<Vec<u8>> {
    if let Some(bytes) = standard(text.as_bytes()) {
        return Some(bytes);
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

/// Each character's six bits, or `INVALID` (the padding `=` among them: it is read apart).
const VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

const INVALID: u8 = 0xFF;

/// [`VALUES`] shifted to each character's place in a quad's 24 bits; `INVALID` as a bit above
/// them.
const SHIFTED: [[u32; 256]; 4] = {
    let mut tables = [[1 << 24; 256]; 4];
    let mut c = 0;
    while c < 256 {
        let value = VALUES[c];
        if value != INVALID {
            let mut place = 0;
            while place < 4 {
                tables[place][c] = (value as u32) << (18 - 6 * place);
                place += 1;
            }
        }
        c += 1;
    }
    tables
};

/// Standard base64 with its padding, as the `base64` crate's `STANDARD` engine reads it (the
/// bits past the last byte must be zero); `None` for anything else, valid or not.
fn standard(text: &[u8]) -> Option<Vec<u8>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    let (body, last) = text.split_last_chunk::<4>()?;
    if body.len() % 4 != 0 {
        return None;
    }
    let mut out = vec![0u8; body.len() / 4 * 3 + 8];
    let mut at = 0;
    let pairs = body.chunks_exact(8);
    let odd = pairs.remainder();
    for pair in pairs {
        let (first, second) = (quad(pair, 0), quad(pair, 4));
        if (first | second) >> 24 != 0 {
            return None;
        }
        // Eight bytes stored, six kept: the next pair's overwrites the last two, and the output
        // has room past the last pair's.
        let word = u64::from(first) << 40 | u64::from(second) << 16;
        out.get_mut(at..at + 8)?
            .copy_from_slice(&word.to_be_bytes());
        at += 6;
    }
    if !odd.is_empty() {
        let bits = valid(quad(odd, 0))?;
        out.get_mut(at..at + 4)?
            .copy_from_slice(&(bits << 8).to_be_bytes());
        at += 3;
    }
    // The padding read as `A`s, whose bits are zero.
    let (kept, chars, spare) = match *last {
        [a, b, b'=', b'='] => (1, [a, b, b'A', b'A'], 0xFFFF),
        [a, b, c, b'='] => (2, [a, b, c, b'A'], 0xFF),
        chars => (3, chars, 0),
    };
    let bits = valid(quad(&chars, 0))?;
    // The bits past the last byte must be zero, as the crate's standard engine requires.
    if bits & spare != 0 {
        return None;
    }
    out.get_mut(at..at + 3)?
        .copy_from_slice(bits.to_be_bytes().get(1..)?);
    out.truncate(at + kept);
    Some(out)
}

/// The 24 bits of the four characters from `at` in `chars` (which holds them), with a bit above
/// them set if one is not in the alphabet: each character's six bits already in place, one OR
/// per character, one check per quad.
fn quad(chars: &[u8], at: usize) -> u32 {
    let value = |place: usize| {
        chars
            .get(at + place)
            .map_or(1 << 24, |&c| SHIFTED[place][usize::from(c)])
    };
    value(0) | value(1) | value(2) | value(3)
}

/// A quad's 24 bits, or `None` if one of its characters is not in the alphabet.
fn valid(bits: u32) -> Option<u32> {
    (bits >> 24 == 0).then_some(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Valid encodings of every length, and the same with one character changed, cut or added:
    /// wherever the direct decoder answers, the standard engine answers the same, and it
    /// answers for every standard encoding.
    #[test]
    fn agrees_with_the_standard_engine() {
        const NOISE: &[u8] = b"A/+=-_ \n\"\x00\xff";
        let mut next = crate::picker::picker(0x5851_f42d_4c95_7f2d);
        let (mut answered, mut total) = (0, 0);
        for round in 0..20_000 {
            let bytes: Vec<u8> = (0..round % 67).map(|_| next(256) as u8).collect();
            let mut text = STANDARD.encode(&bytes).into_bytes();
            assert_eq!(
                standard(&text),
                Some(bytes),
                "{}",
                String::from_utf8_lossy(&text)
            );
            match next(4) {
                0 if !text.is_empty() => {
                    let at = next(text.len());
                    text[at] = NOISE[next(NOISE.len())];
                }
                1 if !text.is_empty() => {
                    text.truncate(next(text.len()));
                }
                2 => text.insert(next(text.len() + 1), NOISE[next(NOISE.len())]),
                _ => {
                    // A padded end whose spare bits are not zero.
                    if let Some(at) = text.iter().position(|&c| c == b'=') {
                        text[at - 1] = b"BCDEFGHIJKLMNOP"[next(15)];
                    }
                }
            }
            total += 1;
            if let Some(decoded) = standard(&text) {
                answered += 1;
                assert_eq!(
                    STANDARD.decode(&text).ok(),
                    Some(decoded),
                    "{}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
        assert!(answered > 0 && answered < total, "{answered} of {total}");
    }
}
