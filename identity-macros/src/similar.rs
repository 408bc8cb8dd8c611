//! "Did you mean": the closest known word to a misspelt one.

/// The candidate closest to `word`, if it is close enough to be what the user meant.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase().replace(['-', '_'], "");
    candidates
        .iter()
        .map(|candidate| (distance(&lower, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over bytes; the words compared are short ASCII identifiers.
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_close_words_only() {
        let events = ["validate", "signup", "login"];
        assert_eq!(closest("sigup", &events), Some("signup"));
        assert_eq!(closest("Signup", &events), Some("signup"));
        assert_eq!(closest("sign_up", &events), Some("signup"));
        assert_eq!(closest("logn", &events), Some("login"));
        assert_eq!(closest("validation", &events), None);
        assert_eq!(closest("tests", &events), None);
    }
}
