//! Finding topic keywords and participant aliases in paragraphs.
//!
//! All phrases of all topics and participants go into one Aho-Corasick
//! automaton, so each paragraph is scanned once however many there are.
//! Matching is case-insensitive, on word boundaries, and treats typographic
//! quotes and apostrophes as their plain forms ("Russia’s" matches "Russia's").

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use rayon::prelude::*;

/// Who a phrase belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Topic(usize),
    Participant(usize),
    /// One of the number words the figures are found by.
    NumberWord,
}

/// A match in the original text: `start..end` are byte offsets into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Index of the topic or participant, depending on which list it is in.
    pub owner: usize,
}

pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// For each distinct normalised phrase, everyone who listed it.
    owners: Vec<Vec<Owner>>,
}

/// Text folded for matching, with the way back to the original offsets.
pub struct Folded {
    pub text: String,
    /// Where folded bytes map back to the original text: from folded byte
    /// `f` of an entry `(f, o)` on, up to the next entry, folded byte `f + k`
    /// came from original byte `o + k`. Most paragraphs fold a byte to a
    /// byte and need one entry; a map of every byte would be written eight
    /// bytes for each byte of text.
    anchors: Vec<(usize, usize)>,
}

/// Builds [`Folded::anchors`]: an entry only where the offsets stop moving
/// together.
#[derive(Default)]
struct Anchors(Vec<(usize, usize)>);

impl Anchors {
    /// Folded byte `folded` came from original byte `original`.
    fn map(&mut self, folded: usize, original: usize) {
        if !matches!(self.0.last(), Some(&(f, o)) if original.checked_sub(o) == Some(folded - f)) {
            self.0.push((folded, original));
        }
    }
}

/// Folds case, typographic quotes and runs of white space, keeping a map of
/// offsets so matches can be shown in the original, unfolded text.
pub fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut origin = Anchors::default();
    let mut last_space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Most text is ASCII words with one plain space between them:
        // copied a run at a time, one byte out for each byte in.
        let start = i;
        let mut space = last_space;
        while i < bytes.len() {
            let b = bytes[i];
            if !b.is_ascii() || (is_ascii_space(b) && (b != b' ' || space)) {
                break;
            }
            space = b == b' ';
            i += 1;
        }
        if i > start {
            let from = out.len();
            origin.map(from, start);
            out.push_str(&text[start..i]);
            out[from..].make_ascii_lowercase();
            last_space = space;
            continue;
        }
        // Other white space, or a second space: at most one space out.
        if bytes[i].is_ascii() {
            if !last_space {
                origin.map(out.len(), i);
                out.push(' ');
            }
            last_space = true;
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        let plain = match c {
            '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if plain == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        let at = i - c.len_utf8();
        if plain.is_ascii() {
            origin.map(out.len(), at);
            out.push(plain.to_ascii_lowercase());
        } else {
            // Every byte of what the character folds to maps to its start.
            for lower in plain.to_lowercase() {
                for k in 0..lower.len_utf8() {
                    origin.map(out.len() + k, at);
                }
                out.push(lower);
            }
        }
    }
    origin.map(out.len(), text.len());
    Folded {
        text: out,
        anchors: origin.0,
    }
}

/// `char::is_whitespace` for ASCII, which `u8::is_ascii_whitespace` is not
/// quite (it leaves out the vertical tab).
fn is_ascii_space(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x0b
}

impl Folded {
    /// How many words, separated by white space, the text has: as
    /// `split_whitespace().count()` of the original, since folding made
    /// every run of white space one plain space.
    pub fn word_count(&self) -> usize {
        let words = self.text.trim_matches(' ');
        if words.is_empty() {
            0
        } else {
            words.bytes().filter(|&b| b == b' ').count() + 1
        }
    }

    pub fn original(&self, folded_offset: usize) -> usize {
        let k = self.anchors.partition_point(|&(f, _)| f <= folded_offset);
        let (f, o) = self.anchors[k - 1];
        o + (folded_offset - f)
    }

    /// True when `offset` falls inside the several characters one original
    /// character folded into ("İ" lowercases to "i" and a combining dot): a
    /// match may not start or end there, or it would cover half a letter.
    fn splits_a_char(&self, offset: usize) -> bool {
        offset > 0 && offset < self.text.len() && self.original(offset) == self.original(offset - 1)
    }
}

/// Which paragraphs hold each run of ASCII letters and digits (case aside),
/// so that a topic's edited keywords are looked for again only where they
/// may be, not in every paragraph.
///
/// A phrase's longest such run, once folded, can only come from the same
/// run in the text, case aside, and whole: no character but an ASCII letter
/// or digit folds to one, apart from the Kelvin sign and the dotted capital
/// I (checked by a test over all of Unicode), and paragraphs holding either
/// are looked at for every phrase.
pub struct WordIndex {
    /// (run's hash, paragraph), sorted; paragraphs are numbered across
    /// sources. A hash shared by two runs only adds paragraphs to look at.
    postings: Vec<(u32, u32)>,
    /// The paragraphs with a Kelvin sign or a dotted capital I.
    always: Vec<u32>,
    /// Where each source's paragraphs start in that numbering.
    starts: Vec<u32>,
}

/// One source's part of a [`WordIndex`].
#[derive(Default)]
struct Postings {
    runs: Vec<(u32, u32)>,
    always: Vec<u32>,
}

/// The characters other than ASCII letters and digits that fold to one.
const FOLDING_TO_ASCII: [char; 2] = ['\u{130}', '\u{212A}'];

impl WordIndex {
    /// `sources[s]` are the texts of source `s`'s paragraphs.
    pub fn new(sources: &[Vec<&str>]) -> WordIndex {
        let mut starts = Vec::with_capacity(sources.len() + 1);
        let mut at = 0u32;
        for paragraphs in sources {
            starts.push(at);
            at += paragraphs.len() as u32;
        }
        starts.push(at);
        // Per source: its postings, and its paragraphs always looked at.
        let per_source: Vec<Postings> = sources
            .par_iter()
            .zip(&starts)
            .map(|(paragraphs, &first)| {
                let mut postings = Postings::default();
                let (mut lower, mut runs) = (Vec::new(), Vec::new());
                for (k, text) in paragraphs.iter().enumerate() {
                    let g = first + k as u32;
                    if text.contains(FOLDING_TO_ASCII) {
                        postings.always.push(g);
                    }
                    lower.clear();
                    lower.extend_from_slice(text.as_bytes());
                    lower.make_ascii_lowercase();
                    runs.clear();
                    runs.extend(
                        lower
                            .split(|b| !b.is_ascii_alphanumeric())
                            .filter(|run| !run.is_empty())
                            .map(run_hash),
                    );
                    runs.sort_unstable();
                    runs.dedup();
                    postings.runs.extend(runs.iter().map(|&h| (h, g)));
                }
                postings
            })
            .collect();
        let mut postings = Vec::with_capacity(per_source.iter().map(|p| p.runs.len()).sum());
        let mut always = Vec::new();
        for p in per_source {
            postings.extend(p.runs);
            always.extend(p.always);
        }
        postings.par_sort_unstable();
        WordIndex {
            postings,
            always,
            starts,
        }
    }

    /// The paragraphs, as (source, index) in order, that any of `phrases`
    /// may match in; `None` when some phrase has no run of ASCII letters or
    /// digits to look it up by, so that it may match anywhere.
    pub fn candidates(&self, phrases: &[String]) -> Option<Vec<(usize, usize)>> {
        let mut found: Vec<u32> = self.always.clone();
        for phrase in phrases {
            let folded = fold(phrase.trim()).text;
            if folded.is_empty() {
                continue;
            }
            let longest = folded
                .split(|c: char| !c.is_ascii_alphanumeric())
                .max_by_key(|run| run.len())
                .unwrap_or("");
            if longest.is_empty() {
                return None;
            }
            let h = run_hash(longest.as_bytes());
            let from = self.postings.partition_point(|&(x, _)| x < h);
            let to = self.postings.partition_point(|&(x, _)| x <= h);
            found.extend(self.postings[from..to].iter().map(|&(_, g)| g));
        }
        found.sort_unstable();
        found.dedup();
        Some(
            found
                .into_iter()
                .map(|g| {
                    let s = self.starts.partition_point(|&start| start <= g) - 1;
                    (s, (g - self.starts[s]) as usize)
                })
                .collect(),
        )
    }
}

fn run_hash(run: &[u8]) -> u32 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(run);
    h.finish() as u32
}

/// What [`Matcher::find_folded`] finds in a paragraph.
pub struct Found {
    pub topics: Vec<Hit>,
    pub participants: Vec<Hit>,
    /// Where the number words are, as `(start, end)` in the original text,
    /// in no particular order (none unless the matcher was made
    /// [`Matcher::with_number_words`]).
    pub number_words: Vec<(usize, usize)>,
}

impl Matcher {
    /// `topics[i]` and `participants[j]` are the phrases of topic `i` and participant `j`.
    pub fn new(topics: &[Vec<String>], participants: &[Vec<String>]) -> Matcher {
        Matcher::with_number_words(topics, participants, &[])
    }

    /// As [`Matcher::new`], also finding `number_words`, whole words in any
    /// case: the figures need them in every paragraph, and the one pass
    /// that finds the phrases finds them too.
    pub fn with_number_words(
        topics: &[Vec<String>],
        participants: &[Vec<String>],
        number_words: &[&str],
    ) -> Matcher {
        let mut phrases: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let all =
            topics
                .iter()
                .enumerate()
                .flat_map(|(i, ps)| ps.iter().map(move |p| (Owner::Topic(i), p.as_str())))
                .chain(participants.iter().enumerate().flat_map(|(i, ps)| {
                    ps.iter().map(move |p| (Owner::Participant(i), p.as_str()))
                }))
                .chain(number_words.iter().map(|&w| (Owner::NumberWord, w)));
        for (owner, phrase) in all {
            let folded = fold(phrase.trim()).text;
            if folded.is_empty() {
                continue;
            }
            match index.get(&folded) {
                Some(&k) => {
                    if !owners[k].contains(&owner) {
                        owners[k].push(owner)
                    }
                }
                None => {
                    index.insert(folded.clone(), phrases.len());
                    phrases.push(folded);
                    owners.push(vec![owner]);
                }
            }
        }
        let automaton = (!phrases.is_empty()).then(|| {
            // A DFA: more memory than the default NFA, but every paragraph
            // of every source goes through it.
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&phrases)
                .expect("phrases are plain strings of bounded size")
        });
        Matcher { automaton, owners }
    }

    /// Every whole-word match in `text`, split into topic hits and participant
    /// hits, each sorted by position. Overlapping matches of one owner are
    /// merged, so "Donald Trump" counts once, not also as "Trump".
    pub fn find(&self, text: &str) -> (Vec<Hit>, Vec<Hit>) {
        let found = self.find_folded(&fold(text));
        (found.topics, found.participants)
    }

    /// As [`Matcher::find`], on text already folded (offsets of the hits
    /// are in the original text), and the number words.
    pub fn find_folded(&self, folded: &Folded) -> Found {
        let mut topics = Vec::new();
        let mut participants = Vec::new();
        let mut number_words = Vec::new();
        let Some(automaton) = &self.automaton else {
            return Found {
                topics,
                participants,
                number_words,
            };
        };
        let hay = folded.text.as_str();
        for m in automaton.find_overlapping_iter(hay) {
            if !at_word_boundary(hay, m.start(), m.end())
                || folded.splits_a_char(m.start())
                || folded.splits_a_char(m.end())
            {
                continue;
            }
            let start = folded.original(m.start());
            let end = folded.original(m.end());
            for owner in &self.owners[m.pattern().as_usize()] {
                match *owner {
                    Owner::Topic(i) => topics.push(Hit {
                        start,
                        end,
                        owner: i,
                    }),
                    Owner::Participant(i) => participants.push(Hit {
                        start,
                        end,
                        owner: i,
                    }),
                    Owner::NumberWord => number_words.push((start, end)),
                }
            }
        }
        Found {
            topics: merge(topics),
            participants: longest(merge(participants)),
            number_words,
        }
    }
}

fn at_word_boundary(hay: &str, start: usize, end: usize) -> bool {
    let before = hay[..start].chars().next_back();
    let after = hay[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Sorted by start, with overlapping hits of the same owner joined.
fn merge(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.owner, h.start, std::cmp::Reverse(h.end)));
    let mut merged: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        match merged.last_mut() {
            Some(last) if last.owner == h.owner && h.start < last.end => {
                last.end = last.end.max(h.end)
            }
            _ => merged.push(h),
        }
    }
    merged.sort();
    merged
}

/// Of two people whose names overlap, the longer name wins: in "Brigitte
/// Macron said", "Macron" alone (another participant's alias) is no mention.
fn longest(hits: Vec<Hit>) -> Vec<Hit> {
    // Hits are sorted by start; only those still open can cover the next
    // one, so each is compared with its few overlapping neighbours.
    let covered = |h: &Hit, o: &Hit| {
        o.owner != h.owner
            && o.start <= h.start
            && h.end <= o.end
            && o.end - o.start > h.end - h.start
    };
    let mut keep = vec![true; hits.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, h) in hits.iter().enumerate() {
        open.retain(|&j| hits[j].end > h.start);
        for &j in &open {
            if covered(h, &hits[j]) {
                keep[i] = false;
            }
            if covered(&hits[j], h) {
                keep[j] = false;
            }
        }
        open.push(i);
    }
    hits.into_iter()
        .zip(keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(topics: &[&[&str]], people: &[&[&str]]) -> Matcher {
        let v = |xs: &[&[&str]]| {
            xs.iter()
                .map(|ps| ps.iter().map(|s| s.to_string()).collect())
                .collect::<Vec<_>>()
        };
        Matcher::new(&v(topics), &v(people))
    }

    #[test]
    fn number_words_are_found_apart_from_the_phrases_that_share_them() {
        let phrases = vec![vec!["half".to_string()]];
        let matcher = Matcher::with_number_words(&phrases, &[], &["half", "two", "dozen"]);
        let text = "Half of the TWO sides, dozens said; half-hearted, twofold.";
        let found = matcher.find_folded(&fold(text));
        let at = |(s, e): (usize, usize)| &text[s..e];
        let mut words: Vec<&str> = found.number_words.iter().map(|&w| at(w)).collect();
        words.sort_unstable();
        assert_eq!(words, ["Half", "TWO", "half"]);
        let topic: Vec<&str> = found.topics.iter().map(|h| at((h.start, h.end))).collect();
        assert_eq!(topic, ["Half", "half"]);
        assert!(found.participants.is_empty());
        // Made without them, the matcher finds none.
        let plain = Matcher::new(&phrases, &[]).find_folded(&fold(text));
        assert!(plain.number_words.is_empty());
        assert_eq!(plain.topics, found.topics);
    }

    #[test]
    fn case_insensitive_on_word_boundaries() {
        let matcher = m(&[&["ceasefire", "Article 5"]], &[]);
        let (t, _) = matcher.find("No CEASEFIRE, no ceasefires, but article 5.");
        assert_eq!(t.len(), 2);
        assert_eq!(
            t[0],
            Hit {
                start: 3,
                end: 12,
                owner: 0
            }
        );
        assert_eq!(
            &"No CEASEFIRE, no ceasefires, but article 5."[t[1].start..t[1].end],
            "article 5"
        );
    }

    #[test]
    fn typographic_apostrophes_match_plain_ones() {
        let matcher = m(&[&["Russia's invasion"]], &[]);
        let text = "to end Russia’s invasion";
        let (t, _) = matcher.find(text);
        assert_eq!(&text[t[0].start..t[0].end], "Russia’s invasion");
    }

    #[test]
    fn unicode_case_and_boundaries() {
        let matcher = m(&[&["zaporizhzhia"]], &[&["Zelenskyy", "Зеленський"]]);
        let text = "ЗЕЛЕНСЬКИЙ said, Zelenskyy’s team; Zaporizhzhia-based";
        let (t, p) = matcher.find(text);
        assert_eq!(t.len(), 1);
        assert_eq!(p.len(), 2);
        assert_eq!(&text[p[0].start..p[0].end], "ЗЕЛЕНСЬКИЙ");
    }

    #[test]
    fn overlapping_aliases_of_one_person_count_once_and_shared_phrases_go_to_all() {
        let matcher = m(
            &[&["security guarantees"], &["guarantees"]],
            &[&["Donald Trump", "Trump"]],
        );
        let (t, p) = matcher.find("Donald Trump offered security guarantees.");
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].start, p[0].end), (0, 12));
        assert_eq!(t.iter().map(|h| h.owner).collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn a_longer_name_of_another_person_wins() {
        let matcher = m(&[], &[&["Emmanuel Macron", "Macron"], &["Brigitte Macron"]]);
        let (_, p) = matcher.find("Brigitte Macron said so; Macron agreed.");
        let owners: Vec<usize> = p.iter().map(|h| h.owner).collect();
        assert_eq!(owners, vec![1, 0]);
    }

    #[test]
    fn matches_never_cover_half_a_folded_letter() {
        let matcher = m(&[], &[&["Ali"]]);
        assert!(matcher.find("ALİ said").1.is_empty());
        assert_eq!(matcher.find("ALI said").1.len(), 1);
    }

    #[test]
    fn only_two_characters_besides_ascii_letters_and_digits_fold_to_one() {
        let folding: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii_alphanumeric())
            .filter(|&c| {
                fold(&c.to_string())
                    .text
                    .chars()
                    .any(|f| f.is_ascii_alphanumeric())
            })
            .collect();
        assert_eq!(folding, FOLDING_TO_ASCII);
    }

    #[test]
    fn the_word_index_finds_every_paragraph_a_phrase_matches_in() {
        let phrases = [
            "Article 5-like".to_string(),
            "Kyiv’s".to_string(),
            "kelvin".to_string(),
        ];
        let matcher = Matcher::new(&[phrases.to_vec()], &[]);
        let texts = [
            "an ARTICLE  5\u{2011}LIKE pledge",
            "KYIV'S allies",
            "\u{212A}ELVIN",
            "no such thing",
            "article 5 alone",
            "LIKE it",
            "kelvins are not kelvin’s",
        ];
        let index = WordIndex::new(&[texts[..3].to_vec(), texts[3..].to_vec()]);
        let candidates = index.candidates(&phrases).unwrap();
        for (k, text) in texts.iter().enumerate() {
            let at = if k < 3 { (0, k) } else { (1, k - 3) };
            let found = !matcher.find(text).0.is_empty();
            assert!(!found || candidates.contains(&at), "{text}");
        }
        // "5-like" is looked up by "article", "kelvin" is spelt with a
        // Kelvin sign in the third text.
        assert_eq!(candidates, [(0, 0), (0, 1), (0, 2), (1, 1), (1, 3)]);
        assert_eq!(index.candidates(&["’".to_string()]), None);
    }

    #[test]
    fn fold_keeps_offsets_for_multibyte_and_spaces() {
        let f = fold("A  “B”");
        assert_eq!(f.text, "a \"b\"");
        assert_eq!(f.original(2), 3);
        assert_eq!(f.original(f.text.len()), "A  “B”".len());
    }

    #[test]
    fn every_folded_byte_maps_to_the_start_of_its_character() {
        // The map is kept as a few anchors: checked here against the start
        // of the character each folded byte came from, byte by byte.
        for text in [
            "",
            "  lead and trail  ",
            "İstanbul’s ÉTÉ\u{a0}\u{a0}x\t\ty ẞ ǅ",
            "a\u{2019}\u{2019}b \u{201C}c\u{201D}  \u{2011}d",
            "\u{130}\u{130}\u{212A}",
        ] {
            let f = fold(text);
            let mut expected = Vec::new();
            for (at, c) in text.char_indices() {
                let kept = fold(&c.to_string()).text.len();
                // A space folded into the one before it leaves nothing.
                let kept = if c.is_whitespace() && expected.last().is_some_and(|&(_, w)| w) {
                    0
                } else {
                    kept
                };
                expected.extend(std::iter::repeat_n((at, c.is_whitespace()), kept));
            }
            let expected: Vec<usize> = expected.into_iter().map(|(at, _)| at).collect();
            let got: Vec<usize> = (0..f.text.len()).map(|k| f.original(k)).collect();
            assert_eq!(got, expected, "{text:?}");
            assert_eq!(f.original(f.text.len()), text.len());
        }
    }

    #[test]
    fn fold_joins_runs_of_any_white_space() {
        let text = "a\u{a0}\u{2003} \x0bB\t\u{85}ÉTÉ";
        let f = fold(text);
        assert_eq!(f.text, "a b été");
        // Each folded byte maps to where its character starts.
        let origins: Vec<usize> = (0..=f.text.len()).map(|k| f.original(k)).collect();
        assert_eq!(origins, [0, 1, 8, 9, 12, 12, 14, 15, 15, 17]);
        assert_eq!(f.word_count(), text.split_whitespace().count());
        assert_eq!(fold("  two\u{a0} words ").word_count(), 2);
        assert_eq!(f.original(f.text.len()), text.len());
    }
}
