//! Who said what: the same statement reported by several outlets, often in
//! different words, grouped by text similarity.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Quote;
use super::compare::{shared_count, word_hashes};

/// One statement and the quotes that report it, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Indexes into `Analysis::quotes`.
    pub quotes: Vec<usize>,
    /// The speaker, when the quotes that name one agree.
    pub speaker: Option<usize>,
}

impl Statement {
    /// Reported by more than one source.
    pub fn is_shared(&self, quotes: &[Quote]) -> bool {
        let first = quotes[self.quotes[0]].source;
        self.quotes.iter().any(|&q| quotes[q].source != first)
    }
}

/// Whether two quotations look like renderings of the same words: most of
/// their words in common, or one contained in the other (a partial quote).
pub fn same_statement(a: &[String], b: &[String]) -> bool {
    let hashes = |ws: &[String]| ws.iter().map(|w| hash_of(w.as_str())).collect::<Vec<_>>();
    let (a, b) = (hashes(a), hashes(b));
    same_words(&a, &b, &word_set(&a), &word_set(&b))
}

fn hash_of(word: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    word.hash(&mut h);
    h.finish()
}

/// The distinct words of a quotation (as hashes), sorted.
fn word_set(words: &[u64]) -> Vec<u64> {
    let mut set = words.to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

/// [`same_statement`], on the quotations' words as hashes (as
/// [`word_hashes`] makes them), in order and as [`word_set`]s.
fn same_words(a: &[u64], b: &[u64], sa: &[u64], sb: &[u64]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() < 3 {
        return short.len() == 2 && short == long;
    }
    let common = shared_count(sa, sb);
    let union = sa.len() + sb.len() - common;
    let jaccard = common as f64 / union.max(1) as f64;
    let containment = common as f64 / sa.len().min(sb.len()).max(1) as f64;
    jaccard >= 0.5 || (containment >= 0.8 && sa.len().min(sb.len()) >= 3)
}

/// Groups quotes of different sources into statements. Two quotes join when
/// their words match (see [`same_statement`]) and their speakers do not
/// contradict each other. Candidates come from an index of the quotes'
/// rarer words, so the work grows with the number of quotes, not its square.
pub fn group(quotes: &[Quote], texts: &[&str]) -> Vec<Statement> {
    let tokens: Vec<Vec<u64>> = texts.par_iter().map(|t| word_hashes(t)).collect();
    let mut parent: Vec<usize> = (0..quotes.len()).collect();
    // The speaker of each group, kept at its root.
    let mut speaker: Vec<Option<usize>> = quotes.iter().map(|q| q.speaker).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let sets: Vec<Vec<u64>> = tokens.par_iter().map(|ws| word_set(ws)).collect();
    let mut index: FxHashMap<u64, Vec<usize>> = Default::default();
    for (q, set) in sets.iter().enumerate() {
        for &w in set {
            index.entry(w).or_default().push(q);
        }
    }
    let cap = 200;
    // Which later quotes of other sources read like each quote: the costly
    // part, and independent of the grouping, so done in parallel.
    let alike: Vec<Vec<usize>> = (0..quotes.len())
        .into_par_iter()
        .map(|q| {
            let mut candidates: Vec<usize> = tokens[q]
                .iter()
                .filter_map(|w| index.get(w))
                .filter(|list| list.len() <= cap)
                .flatten()
                .copied()
                .filter(|&o| o > q && quotes[o].source != quotes[q].source)
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            candidates.retain(|&o| same_words(&tokens[q], &tokens[o], &sets[q], &sets[o]));
            candidates
        })
        .collect();
    for (q, others) in alike.iter().enumerate() {
        for &o in others {
            let (a, b) = (root(&mut parent, q), root(&mut parent, o));
            // Compare the groups' speakers, not just these two quotes': an
            // unattributed quote must not bridge two different speakers.
            let speakers_agree = match (speaker[a], speaker[b]) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            };
            if a != b && speakers_agree {
                let (keep, gone) = (a.min(b), a.max(b));
                parent[gone] = keep;
                speaker[keep] = speaker[keep].or(speaker[gone]);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: std::collections::HashMap<usize, usize> = Default::default();
    for q in 0..quotes.len() {
        let r = root(&mut parent, q);
        let k = *slot.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[k].push(q);
    }
    groups
        .into_iter()
        .map(|members| {
            let mut speakers: Vec<usize> =
                members.iter().filter_map(|&q| quotes[q].speaker).collect();
            speakers.dedup();
            Statement {
                speaker: (speakers.len() == 1).then(|| speakers[0]),
                quotes: members,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        crate::analyze::compare::words(s)
    }

    #[test]
    fn two_renderings_of_one_remark_are_one_statement() {
        assert!(same_statement(
            &w(
                "What President Trump said about security guarantees is much more important to me than Putin’s thoughts, because Putin will not give any security guarantees"
            ),
            &w(
                "What President Trump mentioned about security guarantees matters much more to me than Putin’s statements, because Putin isn’t going to give any guarantees"
            ),
        ));
        assert!(same_statement(
            &w("robust security guarantees"),
            &w("robust security guarantees that I would describe as game changing")
        ));
        assert!(same_statement(
            &w("Big progress on Russia, stay tuned!"),
            &w("BIG PROGRESS ON RUSSIA. STAY TUNED!")
        ));
        assert!(
            !same_statement(&w("historic"), &w("historic")),
            "one word is too little to tell"
        );
        assert!(!same_statement(&w("no sign"), &w("key issue")));
        assert!(!same_statement(
            &w("We all share a strong desire to end this war"),
            &w("There is only one state proposing a peace")
        ));
    }

    #[test]
    fn quotes_group_across_sources_but_not_across_speakers() {
        let q = |source, speaker| Quote {
            source,
            paragraph: 0,
            start: 0,
            end: 0,
            speaker,
            descriptor: None,
        };
        let quotes = vec![q(0, Some(1)), q(1, Some(1)), q(2, Some(2)), q(1, None)];
        let texts = [
            "Putin will not give any security guarantees at all",
            "Putin is not going to give any security guarantees at all",
            "Putin will not give any security guarantees at all",
            "an unrelated remark about the weather today",
        ];
        let groups = group(&quotes, &texts);
        assert_eq!(groups.len(), 3);
        // An unattributed rendering does not join two different speakers.
        let bridge = vec![q(0, Some(1)), q(1, None), q(2, Some(2))];
        let same = ["we cannot wait any longer for the repairs"; 3];
        let groups = group(&bridge, &same);
        assert_eq!(groups.len(), 2, "{groups:?}");
        assert_eq!(groups[0].quotes, vec![0, 1]);
        assert_eq!(groups[0].speaker, Some(1));
        assert!(groups[0].is_shared(&quotes));
    }
}
