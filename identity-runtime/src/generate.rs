//! JSON texts put together for the tests of the direct scans: objects of chosen keys, each value
//! mostly of the type its key wants and now and then anything, valid or not, with whitespace
//! between the tokens.

/// A choice below a bound (see [`crate::picker`]).
pub(crate) type Pick<'a> = &'a mut dyn FnMut(usize) -> usize;

/// What goes between tokens.
const SPACES: [&str; 4] = ["", " ", "\n\t", "\r "];

/// Strings: the first [`VALID_STRINGS`] are valid (escapes, `\u` escapes, other scripts, empty),
/// the rest are not JSON (a lone surrogate, a raw tab, an unknown escape).
pub(crate) const STRINGS: [&str; 8] = [
    r#""plain""#,
    r#""esc\"aped\/\\""#,
    r#""é😀""#,
    r#""\u00e9\ud83d\ude00""#,
    r#""""#,
    r#""\ud800""#,
    "\"tab\there\"",
    r#""\q""#,
];

/// How many of [`STRINGS`] are valid.
pub(crate) const VALID_STRINGS: usize = 5;

/// Values of other types: the first [`VALID_OTHERS`] are valid JSON.
const OTHERS: [&str; 11] = [
    "null",
    "true",
    "0",
    "-1.5e3",
    "[]",
    r#"[1, {"k": [null]}]"#,
    "{}",
    r#"{"a": "\"}"}"#,
    "01",
    r#"{"a": {"b": 1, "b": 2}}"#,
    "[1,]",
];

/// How many of [`OTHERS`] are valid.
const VALID_OTHERS: usize = 8;

/// One of `valid` mostly, one of `invalid` one time in forty.
pub(crate) fn mostly(next: Pick<'_>, valid: &[&str], invalid: &[&str]) -> String {
    if next(40) == 0 {
        invalid[next(invalid.len())].to_owned()
    } else {
        valid[next(valid.len())].to_owned()
    }
}

/// A string, mostly valid.
pub(crate) fn string(next: Pick<'_>) -> String {
    mostly(next, &STRINGS[..VALID_STRINGS], &STRINGS[VALID_STRINGS..])
}

/// Any value, mostly valid.
pub(crate) fn anything(next: Pick<'_>) -> String {
    if next(2) == 0 {
        string(next)
    } else {
        mostly(next, &OTHERS[..VALID_OTHERS], &OTHERS[VALID_OTHERS..])
    }
}

/// An array of strings, mostly valid.
pub(crate) fn strings(next: Pick<'_>) -> String {
    let items: Vec<String> = (0..next(3)).map(|_| string(&mut *next)).collect();
    format!("[{}]", items.join(","))
}

/// An object with the `required` keys and some of the `optional` ones, each once, shuffled;
/// now and then one given twice or a required one missing. `value` writes each key's value.
pub(crate) fn object(
    next: Pick<'_>,
    required: &[&str],
    optional: &[&str],
    value: &mut dyn FnMut(Pick<'_>, &str) -> String,
) -> String {
    let mut keys = required.to_vec();
    let mut left = optional.to_vec();
    for _ in 0..next(4).min(left.len()) {
        keys.push(left.swap_remove(next(left.len())));
    }
    if next(20) == 0 && !keys.is_empty() {
        let again = keys[next(keys.len())];
        keys.push(again);
    }
    if next(20) == 0 && !keys.is_empty() {
        keys.swap_remove(next(keys.len()));
    }
    for _ in 0..if keys.is_empty() { 0 } else { next(3) } {
        let (a, b) = (next(keys.len()), next(keys.len()));
        keys.swap(a, b);
    }
    let mut text = String::from("{");
    for (n, key) in keys.iter().enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(SPACES[next(SPACES.len())]);
        text.push_str(&format!(r#""{key}""#));
        text.push_str(SPACES[next(SPACES.len())]);
        text.push(':');
        text.push_str(SPACES[next(SPACES.len())]);
        // Now and then anything at all, whatever the key.
        let written = if next(80) == 0 {
            anything(next)
        } else {
            value(&mut *next, key)
        };
        text.push_str(&written);
    }
    text.push('}');
    // Now and then something after the object.
    if next(40) == 0 {
        text.push_str([" x", ",", "}", "\n"][next(4)]);
    }
    text
}

/// Checks a scan against serde_json on `count` texts from `make`: `agrees` says whether the
/// scan answered (`Ok(true)`), left the text (`Ok(false)`) or differs (`Err`), `reads` whether
/// serde_json reads the text. The scan must agree on every text, answer for every text serde_json
/// reads, and more than one text in `one_in` must be valid.
pub(crate) fn check_scan(
    seed: u64,
    count: usize,
    one_in: usize,
    make: &mut dyn FnMut(Pick<'_>) -> String,
    agrees: &dyn Fn(&str) -> Result<bool, String>,
    reads: &dyn Fn(&str) -> bool,
) {
    let mut next = crate::picker::picker(seed);
    let (mut scanned, mut valid) = (0, 0);
    for _ in 0..count {
        let text = make(&mut next);
        valid += usize::from(reads(&text));
        match agrees(&text) {
            Ok(true) => scanned += 1,
            Ok(false) => {}
            Err(err) => panic!("{text}: {err}"),
        }
    }
    assert!(
        scanned == valid && valid * one_in > count,
        "the scan answered {scanned} of the {valid} texts serde_json read, of {count}"
    );
}
