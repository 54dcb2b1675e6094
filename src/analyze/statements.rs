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
    Grouping::new(quotes, texts).statements(quotes)
}

/// Words in more quotes than this find no candidates (they still count
/// when two quotes are compared).
const CAP: usize = 200;

/// What grouping the quotes compares: each quote's words and the pairs of
/// quotes that read alike. `serve` keeps it so that, after an edit to one
/// source, only the pairs that edit can change are compared again
/// ([`Grouping::replace`]); the grouping itself, fast, is made again.
#[derive(Debug, Default, PartialEq)]
pub struct Grouping {
    /// Each quote's words, as hashes, in order and as a [`word_set`].
    tokens: Vec<Vec<u64>>,
    sets: Vec<Vec<u64>>,
    /// Each word's quotes, ascending.
    index: FxHashMap<u64, Vec<usize>>,
    /// For each quote, the later quotes of other sources that read like
    /// it, ascending.
    alike: Vec<Vec<usize>>,
}

impl Grouping {
    /// For `quotes`, whose words are `texts`.
    pub fn new(quotes: &[Quote], texts: &[&str]) -> Grouping {
        let tokens: Vec<Vec<u64>> = texts.par_iter().map(|t| word_hashes(t)).collect();
        let sets: Vec<Vec<u64>> = tokens.par_iter().map(|ws| word_set(ws)).collect();
        let mut index: FxHashMap<u64, Vec<usize>> = Default::default();
        for (q, set) in sets.iter().enumerate() {
            for &w in set {
                index.entry(w).or_default().push(q);
            }
        }
        let mut grouping = Grouping {
            tokens,
            sets,
            index,
            alike: Vec::new(),
        };
        // Which later quotes of other sources read like each quote: the
        // costly part, and independent of the grouping, so done in parallel.
        let alike = (0..quotes.len())
            .into_par_iter()
            .map(|q| grouping.alike_of(quotes, q, |o| o > q))
            .collect();
        grouping.alike = alike;
        grouping
    }

    /// The quotes `wanted` of other sources than quote `q`'s that read like
    /// it, ascending: those sharing a word of at most [`CAP`] quotes with it,
    /// compared word for word.
    fn alike_of(&self, quotes: &[Quote], q: usize, wanted: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut candidates: Vec<usize> = self.tokens[q]
            .iter()
            .filter_map(|w| self.index.get(w))
            .filter(|list| list.len() <= CAP)
            .flatten()
            .copied()
            .filter(|&o| wanted(o) && quotes[o].source != quotes[q].source)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|&o| self.read_alike(q, o));
        candidates
    }

    fn read_alike(&self, a: usize, b: usize) -> bool {
        same_words(
            &self.tokens[a],
            &self.tokens[b],
            &self.sets[a],
            &self.sets[b],
        )
    }

    /// Whether quotes `a` and `b` (of different sources) are a pair of
    /// [`Grouping::alike`], as [`Grouping::alike_of`] finds them.
    fn pair(&self, a: usize, b: usize) -> bool {
        let rare_in_common = self.sets[a]
            .iter()
            .any(|w| self.index[w].len() <= CAP && self.sets[b].binary_search(w).is_ok());
        rare_in_common && self.read_alike(a, b)
    }

    /// After source `s`'s quotes, `before` of them, were replaced:
    /// `quotes` and `texts` are every quote now, in source order. Leaves the
    /// grouping as [`Grouping::new`] makes it of them.
    ///
    /// Only two kinds of pair can have changed: those with one of the
    /// source's quotes, looked for again, and those sharing a word whose
    /// number of quotes crossed [`CAP`], which then starts or stops finding
    /// candidates; both quotes of such a pair hold the word, so they are few.
    pub fn replace(&mut self, quotes: &[Quote], texts: &[&str], s: usize, before: usize) {
        let from = quotes.partition_point(|q| q.source < s);
        let after = quotes.partition_point(|q| q.source <= s) - from;
        let old_end = from + before;
        let renumber = |q: usize| if q >= old_end { q - before + after } else { q };
        let tokens: Vec<Vec<u64>> = texts[from..from + after]
            .iter()
            .map(|t| word_hashes(t))
            .collect();
        let sets: Vec<Vec<u64>> = tokens.iter().map(|ws| word_set(ws)).collect();
        // The words of the source's quotes, then and now, with the other
        // quotes holding them (numbered anew) when their count crosses the
        // cap: every pair among those is compared again below.
        let mut counts: FxHashMap<u64, (usize, usize)> = FxHashMap::default();
        for set in &self.sets[from..old_end] {
            for &w in set {
                counts.entry(w).or_default().0 += 1;
            }
        }
        for set in &sets {
            for &w in set {
                counts.entry(w).or_default().1 += 1;
            }
        }
        let mut crossed: Vec<u64> = counts
            .iter()
            .filter(|&(w, &(gone, came))| {
                let now = self.index.get(w).map_or(0, Vec::len);
                (now <= CAP) != (now - gone + came <= CAP)
            })
            .map(|(&w, _)| w)
            .collect();
        crossed.sort_unstable();
        let mut judged_again: Vec<usize> = Vec::new();
        for w in &crossed {
            judged_again.extend(
                self.index
                    .get(w)
                    .into_iter()
                    .flatten()
                    .filter(|q| !(from..old_end).contains(q))
                    .map(|&q| renumber(q)),
            );
        }
        // The index, the words and the pairs without the source's quotes,
        // numbered anew, then with its quotes now.
        for (w, &(gone, _)) in &counts {
            if gone == 0 {
                continue;
            }
            if let Some(list) = self.index.get_mut(w) {
                list.retain(|q| !(from..old_end).contains(q));
                if list.is_empty() {
                    self.index.remove(w);
                }
            }
        }
        if before != after {
            for list in self.index.values_mut() {
                let moved = list.partition_point(|&q| q < old_end);
                list[moved..]
                    .iter_mut()
                    .for_each(|q| *q = *q - before + after);
            }
        }
        for (k, set) in sets.iter().enumerate() {
            for &w in set {
                let list = self.index.entry(w).or_default();
                let at = list.partition_point(|&q| q < from + k);
                list.insert(at, from + k);
            }
        }
        self.tokens.splice(from..old_end, tokens);
        self.sets.splice(from..old_end, sets);
        self.alike
            .splice(from..old_end, std::iter::repeat_with(Vec::new).take(after));
        for list in &mut self.alike {
            list.retain(|o| !(from..old_end).contains(o));
            list.iter_mut().for_each(|o| *o = renumber(*o));
        }
        // The source's quotes: their pairs with later quotes are theirs,
        // those with earlier ones the earlier quote's.
        for q in from..from + after {
            // The source's own quotes are not candidates.
            let found = self.alike_of(quotes, q, |_| true);
            for o in found {
                if o > q {
                    self.alike[q].push(o);
                } else {
                    let list = &mut self.alike[o];
                    let at = list.partition_point(|&x| x < q);
                    list.insert(at, q);
                }
            }
        }
        // Pairs of other quotes sharing a word that crossed the cap.
        for w in &crossed {
            if let Some(list) = self.index.get(w) {
                judged_again.extend(list.iter().filter(|q| !(from..from + after).contains(q)));
            }
        }
        judged_again.sort_unstable();
        judged_again.dedup();
        for (k, &a) in judged_again.iter().enumerate() {
            for &b in &judged_again[k + 1..] {
                if quotes[a].source == quotes[b].source {
                    continue;
                }
                let now = self.pair(a, b);
                let list = &mut self.alike[a];
                match (list.binary_search(&b), now) {
                    (Err(at), true) => list.insert(at, b),
                    (Ok(at), false) => {
                        list.remove(at);
                    }
                    _ => {}
                }
            }
        }
    }

    /// The statements: quotes joined pair by pair, in order, unless the
    /// groups' speakers differ.
    pub fn statements(&self, quotes: &[Quote]) -> Vec<Statement> {
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
        for (q, others) in self.alike.iter().enumerate() {
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
        let mut slot: FxHashMap<usize, usize> = Default::default();
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

    /// Quotes of 64 sources, five each, made of eight of ten words that
    /// are each in more than [`CAP`] quotes, and, in the first 200, one
    /// word in exactly [`CAP`]: the pairs reading alike are found through
    /// that word alone, until an edit puts it in one quote more.
    fn corpus() -> (Vec<Quote>, Vec<String>) {
        const WORDS: [&str; 10] = [
            "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
            "juliet",
        ];
        let mut quotes = Vec::new();
        let mut texts = Vec::new();
        for k in 0..320 {
            let (left_out, too) = (k % 10, (k / 10 + k) % 10);
            let mut words: Vec<&str> = (0..10)
                .filter(|&i| i != left_out && i != too)
                .map(|i| WORDS[i])
                .collect();
            if k < 200 {
                words.push("kilo");
            }
            quotes.push(Quote {
                source: k / 5,
                paragraph: k % 5,
                start: 0,
                end: 0,
                speaker: (k % 7 == 0).then_some(k % 3),
                descriptor: None,
            });
            texts.push(words.join(" "));
        }
        (quotes, texts)
    }

    /// `quotes` and `texts` with source `s`'s quotes replaced by `new`.
    fn edit(quotes: &mut Vec<Quote>, texts: &mut Vec<String>, s: usize, new: &[&str]) -> usize {
        let from = quotes.partition_point(|q| q.source < s);
        let to = quotes.partition_point(|q| q.source <= s);
        let made = new.iter().enumerate().map(|(i, _)| Quote {
            source: s,
            paragraph: i,
            start: 0,
            end: 0,
            speaker: (i == 1).then_some(2),
            descriptor: None,
        });
        quotes.splice(from..to, made.collect::<Vec<_>>());
        texts.splice(from..to, new.iter().map(|t| t.to_string()));
        to - from
    }

    fn strs(texts: &[String]) -> Vec<&str> {
        texts.iter().map(String::as_str).collect()
    }

    #[test]
    fn replacing_one_sources_quotes_groups_as_grouping_afresh() {
        let (mut quotes, mut texts) = corpus();
        let mut kept = Grouping::new(&quotes, &strs(&texts));
        let pairs = |g: &Grouping| g.alike.iter().map(Vec::len).sum::<usize>();
        let mut counts = vec![pairs(&kept)];
        let edits: [(usize, &[&str]); 6] = [
            // "kilo" in one quote more: no pair is found through it.
            (50, &["alpha bravo charlie delta echo foxtrot golf kilo"]),
            // Back under the cap, through a source with more quotes than before.
            (
                50,
                &[
                    "alpha bravo charlie delta echo foxtrot golf hotel",
                    "something else entirely said here",
                    "india juliet alpha bravo charlie delta echo",
                    "one more remark from nobody else",
                    "golf hotel india juliet alpha bravo",
                    "and a sixth",
                ],
            ),
            // A source of the first two hundred loses its quotes.
            (3, &[]),
            (
                0,
                &["bravo charlie delta echo foxtrot golf hotel india kilo"],
            ),
            (
                63,
                &["alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo"],
            ),
            (
                3,
                &["charlie delta echo foxtrot golf hotel india juliet kilo"],
            ),
        ];
        for (s, new) in edits {
            let before = edit(&mut quotes, &mut texts, s, new);
            kept.replace(&quotes, &strs(&texts), s, before);
            let fresh = Grouping::new(&quotes, &strs(&texts));
            assert!(kept == fresh, "after the edit to source {s}");
            assert_eq!(kept.statements(&quotes), fresh.statements(&quotes));
            counts.push(pairs(&kept));
        }
        // Thousands of pairs through "kilo", none once it is too common,
        // and back when it is not.
        assert!(
            counts[0] > 1000 && counts[1] == 0 && counts[2] > 1000,
            "{counts:?}"
        );
    }
}
