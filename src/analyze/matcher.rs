//! Finding topic keywords and participant aliases in paragraphs.
//!
//! All phrases of all topics and participants go into one Aho-Corasick
//! automaton, so each paragraph is scanned once however many there are.
//! Matching is case-insensitive, on word boundaries, and treats typographic
//! quotes and apostrophes as their plain forms ("Russia’s" matches "Russia's").

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Who a phrase belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Topic(usize),
    Participant(usize),
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
    /// `origin[i]` is the byte offset in the original text of folded byte `i`;
    /// one extra entry maps the end.
    origin: Vec<usize>,
}

/// Folds case, typographic quotes and runs of white space, keeping a map of
/// offsets so matches can be shown in the original, unfolded text.
pub fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
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
            out.push_str(&text[start..i]);
            out[from..].make_ascii_lowercase();
            origin.extend(start..i);
            last_space = space;
            continue;
        }
        // Other white space, or a second space: at most one space out.
        if bytes[i].is_ascii() {
            if !last_space {
                out.push(' ');
                origin.push(i);
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
            out.push(plain.to_ascii_lowercase());
            origin.push(at);
        } else {
            for lower in plain.to_lowercase() {
                let before = out.len();
                out.push(lower);
                origin.extend(std::iter::repeat_n(at, out.len() - before));
            }
        }
    }
    origin.push(text.len());
    Folded { text: out, origin }
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
        self.origin[folded_offset]
    }

    /// True when `offset` falls inside the several characters one original
    /// character folded into ("İ" lowercases to "i" and a combining dot): a
    /// match may not start or end there, or it would cover half a letter.
    fn splits_a_char(&self, offset: usize) -> bool {
        offset > 0 && offset < self.text.len() && self.origin[offset] == self.origin[offset - 1]
    }
}

impl Matcher {
    /// `topics[i]` and `participants[j]` are the phrases of topic `i` and participant `j`.
    pub fn new(topics: &[Vec<String>], participants: &[Vec<String>]) -> Matcher {
        let mut phrases: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let all = topics
            .iter()
            .enumerate()
            .flat_map(|(i, ps)| ps.iter().map(move |p| (Owner::Topic(i), p)))
            .chain(
                participants
                    .iter()
                    .enumerate()
                    .flat_map(|(i, ps)| ps.iter().map(move |p| (Owner::Participant(i), p))),
            );
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
        self.find_folded(&fold(text))
    }

    /// As [`Matcher::find`], on text already folded (offsets of the hits
    /// are in the original text).
    pub fn find_folded(&self, folded: &Folded) -> (Vec<Hit>, Vec<Hit>) {
        let mut topics = Vec::new();
        let mut participants = Vec::new();
        let Some(automaton) = &self.automaton else {
            return (topics, participants);
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
                }
            }
        }
        (merge(topics), longest(merge(participants)))
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
    fn fold_keeps_offsets_for_multibyte_and_spaces() {
        let f = fold("A  “B”");
        assert_eq!(f.text, "a \"b\"");
        assert_eq!(f.original(2), 3);
        assert_eq!(f.original(f.text.len()), "A  “B”".len());
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
