//! Quoted speech in a paragraph, and who said it when the sentence says so.
//!
//! Attribution is deliberately conservative: a quote gets a speaker only when
//! the sentence names a participant in a reporting construction ("X said",
//! "said X", "X told CNN that", "X: “…”"). A pronoun ("she commented") or an
//! unnamed source ("the official said") leaves it unattributed; a briefing must
//! never put words in someone's mouth.

use super::matcher::Hit;

/// A quoted span: `start..end` is the text between the quotation marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    pub start: usize,
    pub end: usize,
    /// Index of the participant who said it, if the sentence names one.
    pub speaker: Option<usize>,
    /// For a quote with no named speaker, how the text describes the source
    /// ("the official", "she"), when it does.
    pub descriptor: Option<String>,
}

const SPEECH_VERBS: &[&str] = &[
    "say",
    "says",
    "said",
    "saying",
    "tell",
    "tells",
    "told",
    "state",
    "states",
    "stated",
    "add",
    "adds",
    "added",
    "warn",
    "warns",
    "warned",
    "insist",
    "insists",
    "insisted",
    "write",
    "writes",
    "wrote",
    "post",
    "posts",
    "posted",
    "remark",
    "remarks",
    "remarked",
    "comment",
    "comments",
    "commented",
    "caution",
    "cautions",
    "cautioned",
    "reveal",
    "reveals",
    "revealed",
    "describe",
    "describes",
    "described",
    "declare",
    "declares",
    "declared",
    "note",
    "notes",
    "noted",
    "argue",
    "argues",
    "argued",
    "claim",
    "claims",
    "claimed",
    "announce",
    "announces",
    "announced",
    "stress",
    "stresses",
    "stressed",
    "stressing",
    "emphasize",
    "emphasizes",
    "emphasized",
    "emphasizing",
    "emphasise",
    "emphasises",
    "emphasised",
    "reiterate",
    "reiterates",
    "reiterated",
    "express",
    "expresses",
    "expressed",
    "hail",
    "hails",
    "hailed",
    "ask",
    "asks",
    "asked",
    "reply",
    "replies",
    "replied",
    "urge",
    "urges",
    "urged",
    "acknowledge",
    "acknowledged",
    "admit",
    "admitted",
    "explain",
    "explained",
    "tweet",
    "tweeted",
    "suggest",
    "suggested",
    "promise",
    "promised",
    "vow",
    "vowed",
    "recall",
    "recalled",
    "conclude",
    "concluded",
    "predict",
    "predicted",
    "insisting",
    "warning",
    "adding",
    "telling",
];

/// Finds the quotes of `text` and attributes each. `people` are the participant
/// hits of the same text, sorted by position.
pub fn extract(text: &str, people: &[Hit]) -> Vec<QuoteSpan> {
    let marks = quote_marks(text);
    let outside: Vec<&Hit> = people.iter().filter(|h| !inside(&marks, h.start)).collect();
    marks
        .iter()
        .map(|&(open, close, inner_start, inner_end)| {
            let sentence = sentence_around(text, open, close, &marks);
            let inner = &text[inner_start..inner_end];
            // "…its share.” French President Macron said" starts a new sentence:
            // an attribution after a quote follows a comma, not a full stop.
            let after_end = if inner.trim_end().ends_with('.') {
                close
            } else {
                sentence.1
            };
            let speaker = attribute(
                text,
                &outside,
                (sentence.0, open),
                (close, after_end),
                &marks,
            );
            let descriptor = match speaker {
                Some(_) => None,
                None => describe(text, (sentence.0, open), (close, after_end), &marks),
            };
            QuoteSpan {
                start: inner_start,
                end: inner_end,
                speaker,
                descriptor,
            }
        })
        .map(|mut q| {
            // Keep the span on the words: not on surrounding white space, nor
            // on the comma that American style puts inside the marks.
            let inner = &text[q.start..q.end];
            q.start += inner.len() - inner.trim_start().len();
            q.end -= inner.len() - inner.trim_end_matches([',', ' ']).len();
            q
        })
        .filter(|q| q.end > q.start)
        .collect()
}

/// Outermost quotations as (open, close, inner start, inner end): `open..close`
/// covers the marks, `inner` what is between them. Curly quotes pair by
/// nesting, straight ones in order; an unclosed mark pairs with nothing, and a
/// quotation inside another is part of it, not a quote of its own.
fn quote_marks(text: &str) -> Vec<(usize, usize, usize, usize)> {
    let mut spans = Vec::new();
    let mut open_curly: Vec<usize> = Vec::new();
    let mut straight_open: Option<usize> = None;
    // The marks are `"` and, UTF-8 encoded, E2 80 9C and E2 80 9D: found by
    // their first byte, the rest of the text never decoded.
    let bytes = text.as_bytes();
    for i in memchr::memchr2_iter(b'"', 0xE2, bytes) {
        match &bytes[i..bytes.len().min(i + 3)] {
            [0xE2, 0x80, 0x9C] => open_curly.push(i),
            [0xE2, 0x80, 0x9D] => {
                if let Some(open) = open_curly.pop() {
                    spans.push((open, i + '”'.len_utf8(), open + '“'.len_utf8(), i));
                }
            }
            [b'"', ..] => match straight_open.take() {
                Some(open) => spans.push((open, i + 1, open + 1, i)),
                None => straight_open = Some(i),
            },
            _ => {}
        }
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut outer: Vec<(usize, usize, usize, usize)> = Vec::new();
    for span in spans {
        match outer.last() {
            Some(last) if span.0 < last.1 => {} // inside (or crossing) the previous one
            _ => outer.push(span),
        }
    }
    outer
}

/// The sentence containing the quote `open..close`, ignoring full stops that
/// fall inside any quotation.
fn sentence_around(
    text: &str,
    open: usize,
    close: usize,
    marks: &[(usize, usize, usize, usize)],
) -> (usize, usize) {
    let inside = |i: usize| inside(marks, i);
    let ends_sentence = |i: usize, c: char| {
        if !matches!(c, '.' | '!' | '?') {
            return false;
        }
        // The three marks are one byte each, so `i + 1` is a char boundary.
        let rest = &text[i + 1..];
        !inside(i)
            && rest.chars().next().is_none_or(char::is_whitespace)
            && (c != '.' || !is_abbreviation(&text[..i]))
            && !rest.trim_start().starts_with(char::is_lowercase)
    };
    // An attribution is near its quote: looking further would only cost
    // time on long paragraphs without full stops.
    let floor = char_floor(text, open.saturating_sub(REACH_BEFORE));
    let ceiling = char_floor(text, (close + REACH_AFTER).min(text.len()));
    let start = text[floor..open]
        .char_indices()
        .rev()
        .find(|&(i, c)| ends_sentence(floor + i, c))
        .map_or(floor, |(i, _)| floor + i + 1);
    let end = text[close..ceiling]
        .char_indices()
        .find(|&(i, c)| ends_sentence(close + i, c))
        .map_or(ceiling, |(i, _)| close + i + 1);
    (start, end)
}

/// How far before and after a quote its sentence is looked for, in bytes.
const REACH_BEFORE: usize = 600;
const REACH_AFTER: usize = 300;

fn char_floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether byte `i` lies inside one of the (sorted, disjoint) quotations.
fn inside(marks: &[(usize, usize, usize, usize)], i: usize) -> bool {
    let k = marks.partition_point(|m| m.0 <= i);
    k > 0 && i < marks[k - 1].1
}

/// Whether the word ending `before` (just ahead of a full stop) is an
/// abbreviation such as "U.S", "Mr" or an initial, so the stop ends no sentence.
fn is_abbreviation(before: &str) -> bool {
    const TITLES: &[&str] = &[
        "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gen", "gov", "jr", "sr", "lt", "col", "sgt",
        "prof", "vs", "no", "approx", "etc", "inc", "ltd", "co",
    ];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '“')
        .next()
        .unwrap_or("");
    word.contains('.')
        || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || TITLES.contains(&word.to_lowercase().as_str())
}

fn attribute(
    text: &str,
    people: &[&Hit],
    before: (usize, usize),
    after: (usize, usize),
    marks: &[(usize, usize, usize, usize)],
) -> Option<usize> {
    // `people` are sorted by position: take each range's slice of them.
    let within = |r: (usize, usize)| -> Vec<&Hit> {
        let from = people.partition_point(|h| h.start < r.0);
        people[from..]
            .iter()
            .take_while(|h| h.start < r.1)
            .filter(|h| h.end <= r.1)
            .copied()
            .collect()
    };
    let before_hits = within(before);
    let after_hits = within(after);
    // "Doe's spokesman said", "a spokesman for Doe said", "an aide to Roe":
    // the person named is not the one speaking.
    let speaks_for_self = |h: &Hit| {
        let rest = text[h.end..].trim_start_matches(['’', '\'']);
        let possessive = text[h.end..].starts_with(['’', '\'']) && rest.starts_with('s');
        let word_before = text[..h.start]
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| !w.is_empty())
            .unwrap_or("")
            .to_lowercase();
        !possessive && !matches!(word_before.as_str(), "for" | "to" | "of" | "with")
    };
    let before_hits: Vec<&Hit> = before_hits
        .into_iter()
        .filter(|h| speaks_for_self(h))
        .collect();
    let after_hits: Vec<&Hit> = after_hits
        .into_iter()
        .filter(|h| speaks_for_self(h))
        .collect();
    let verbs_before: Vec<(usize, usize)> = speech_verbs(text, before, marks);

    // "X said … “…”", "X, his envoy, told CNN that “…”": the verb nearest the
    // quote whose subject is a participant right before it.
    for &(vs, _) in verbs_before.iter().rev() {
        if let Some(h) = before_hits
            .iter()
            .rev()
            .find(|h| h.end <= vs && words_between(text, h.end, vs) <= 2)
        {
            return Some(h.owner);
        }
    }
    // "X: “…”"
    if let Some(h) = before_hits.last()
        && text[h.end..before.1].trim() == ":"
    {
        return Some(h.owner);
    }
    // "“…,” X said" and "“…,” said X"
    if let Some(h) = after_hits.first() {
        let lead = words_between(text, after.0, h.start);
        let verbs_after = speech_verbs(text, after, marks);
        let verb_follows = verbs_after
            .iter()
            .any(|&(vs, _)| vs >= h.end && words_between(text, h.end, vs) <= 2);
        let verb_leads = verbs_after
            .first()
            .is_some_and(|&(vs, ve)| ve <= h.start && words_between(text, after.0, vs) == 0);
        if (lead <= 3 && verb_follows) || (verb_leads && lead <= 4) {
            return Some(h.owner);
        }
    }
    // "Zelensky has repeatedly rejected …, and on Sunday insisted that …": one
    // participant, then a reporting verb introducing the quote.
    let mut named: Vec<usize> = before_hits.iter().map(|h| h.owner).collect();
    named.dedup();
    if let [only] = named.as_slice() {
        let first = before_hits[0].end;
        let reports = verbs_before.iter().any(|&(vs, ve)| {
            let next = text[ve..before.1].trim_start();
            vs >= first && (next.starts_with("that") || next.starts_with(':'))
        });
        if reports {
            return Some(*only);
        }
    }
    None
}

/// How an unattributed quote's source is described: "“…,” the official
/// said" gives "the official", "“…,” she commented" gives "she".
fn describe(
    text: &str,
    before: (usize, usize),
    after: (usize, usize),
    marks: &[(usize, usize, usize, usize)],
) -> Option<String> {
    const OPENERS: &[&str] = &[
        "the",
        "a",
        "an",
        "one",
        "another",
        "two",
        "several",
        "some",
        "officials",
        "sources",
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "diplomats",
        "analysts",
        "his",
        "her",
        "their",
    ];
    let phrase = |from: usize, to: usize| {
        let ws: Vec<&str> = words(text, (from, to)).map(|(s, e)| &text[s..e]).collect();
        (!ws.is_empty() && ws.len() <= 6 && OPENERS.contains(&ws[0].to_lowercase().as_str()))
            .then(|| text[from..to].trim().trim_matches(',').trim().to_string())
    };
    // "“…,” the official said"
    if let Some(&(vs, _)) = speech_verbs(text, after, marks).first()
        && words_between(text, after.0, vs) <= 6
    {
        let start = text[after.0..vs]
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
            .map_or(vs, |(i, _)| after.0 + i);
        if let Some(p) = phrase(start, vs) {
            return Some(p);
        }
    }
    // "an official briefed on the calls told CNN: “…”"
    if let Some(&(vs, _)) = speech_verbs(text, before, marks).last() {
        let ws: Vec<(usize, usize)> = words(text, (before.0, vs)).collect();
        for k in (ws.len().saturating_sub(6)..ws.len()).rev() {
            let w = text[ws[k].0..ws[k].1].to_lowercase();
            if matches!(w.as_str(), "the" | "a" | "an" | "one" | "another") {
                return phrase(ws[k].0, vs);
            }
        }
    }
    None
}

/// Byte ranges of the speech verbs in `range`, outside quotations.
fn speech_verbs(
    text: &str,
    range: (usize, usize),
    marks: &[(usize, usize, usize, usize)],
) -> Vec<(usize, usize)> {
    words(text, range)
        .filter(|&(s, _)| !inside(marks, s))
        .filter(|&(s, e)| {
            let w = text[s..e].to_lowercase();
            SPEECH_VERBS.contains(&w.as_str())
        })
        .collect()
}

fn words(text: &str, range: (usize, usize)) -> impl Iterator<Item = (usize, usize)> + '_ {
    let slice = &text[range.0..range.1];
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in slice.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((range.0 + s, range.0 + i));
        }
    }
    if let Some(s) = start {
        out.push((range.0 + s, range.1));
    }
    out.into_iter()
}

fn words_between(text: &str, from: usize, to: usize) -> usize {
    if to <= from {
        return 0;
    }
    words(text, (from, to)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::matcher::Matcher;

    const PEOPLE: &[&[&str]] = &[
        &["Zelensky", "Zelenskyy"],
        &["Donald Trump", "Trump"],
        &["Steve Witkoff", "Witkoff"],
        &["Ursula von der Leyen", "von der Leyen"],
        &["Emmanuel Macron", "Macron"],
    ];

    fn speakers(text: &str) -> Vec<(String, Option<&'static str>)> {
        let people: Vec<Vec<String>> = PEOPLE
            .iter()
            .map(|ps| ps.iter().map(|s| s.to_string()).collect())
            .collect();
        let (_, hits) = Matcher::new(&[], &people).find(text);
        extract(text, &hits)
            .into_iter()
            .map(|q| {
                (
                    text[q.start..q.end].to_string(),
                    q.speaker.map(|i| PEOPLE[i][0]),
                )
            })
            .collect()
    }

    #[test]
    fn named_speaker_after_the_quote() {
        let s = speakers("“Putin will not give any guarantees,” Zelensky said in Brussels.");
        assert_eq!(
            s,
            vec![(
                "Putin will not give any guarantees".into(),
                Some("Zelensky")
            )]
        );
    }

    #[test]
    fn said_before_name() {
        let s = speakers("“We will see,” said Donald Trump.");
        assert_eq!(s[0].1, Some("Donald Trump"));
    }

    #[test]
    fn speaker_before_the_quote_even_with_other_names_between() {
        let s = speakers(
            "His envoy, businessman Steve Witkoff, told CNN that Trump and Zelensky had agreed on “robust security guarantees” — a proposal.",
        );
        assert_eq!(s[0].1, Some("Steve Witkoff"));
        let s = speakers("Macron added: “There is only one state.”");
        assert_eq!(s[0].1, Some("Emmanuel Macron"));
    }

    #[test]
    fn pronouns_and_unnamed_sources_stay_unattributed() {
        let s = speakers("“We are ready to contribute,” she commented.");
        assert_eq!(s[0].1, None);
        let s = speakers("“Trump demands that Ukraine leave Donbas,” the official said.");
        assert_eq!(s[0].1, None, "a name inside the quote is not its speaker");
    }

    #[test]
    fn unattributed_quotes_keep_the_texts_description_of_the_source() {
        let text = "“Trump demands that Ukraine leave Donbas,” the official said, referring to it.";
        let q = extract(text, &[]);
        assert_eq!(q[0].descriptor.as_deref(), Some("the official"));
        let q = extract("“We are ready,” she commented.", &[]);
        assert_eq!(q[0].descriptor.as_deref(), Some("she"));
        let q = extract("The “coalition of the willing” met.", &[]);
        assert_eq!(q[0].descriptor, None);
    }

    #[test]
    fn a_quote_ending_a_sentence_does_not_take_the_next_sentences_subject() {
        let s = speakers(
            "The union stood ready to “do its share.” French President Emmanuel Macron, meanwhile, said leaders would press.",
        );
        assert_eq!(s[0].1, None);
    }

    #[test]
    fn single_named_subject_with_reporting_verb() {
        let s = speakers(
            "Zelensky has repeatedly rejected ceding territory, and on Sunday insisted that Moscow showed “no sign” of being willing to meet him and Trump.",
        );
        assert_eq!(s[0].1, Some("Zelensky"));
    }

    #[test]
    fn nested_quotes_count_once_and_an_unclosed_mark_hides_nothing() {
        let s = speakers("He said \"outer “inner” words\" today.");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].0, "outer “inner” words");
        let s = speakers("“unclosed and then “a real one” here.");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].0, "a real one");
    }

    #[test]
    fn a_spokesman_or_aide_does_not_put_words_in_the_named_persons_mouth() {
        for text in [
            "“We will reopen the bridge soon,” Zelensky’s spokesman said.",
            "A spokesman for Zelensky said: “We will reopen the bridge soon.”",
            "Witkoff's deputy told reporters: “It is fine.”",
            "“It is fine,” said an aide to Witkoff.",
        ] {
            assert_eq!(speakers(text)[0].1, None, "{text}");
        }
    }

    #[test]
    fn the_sentence_of_a_quote_is_looked_for_nearby_only() {
        // A paragraph without full stops: the work per quote stays bounded.
        let text = "he said \"ok now\" and ".repeat(400);
        let marks = quote_marks(&text);
        assert_eq!(marks.len(), 400);
        let (open, close) = (marks[200].0, marks[200].1);
        let (start, end) = sentence_around(&text, open, close, &marks);
        assert!(open - start <= REACH_BEFORE && end - close <= REACH_AFTER);
        assert_eq!(speakers(&text).len(), 400);
    }

    #[test]
    fn straight_quotes_and_unclosed_quotes() {
        let s = speakers("Trump said \"big progress\" and then “nothing more");
        assert_eq!(s, vec![("big progress".into(), Some("Donald Trump"))]);
    }

    #[test]
    fn abbreviations_do_not_end_the_sentence() {
        let s = speakers(
            "Von der Leyen welcomed the idea of U.S. guarantees, while stressing that the union stood ready to “do its share.”",
        );
        assert_eq!(s[0].1, Some("Ursula von der Leyen"));
        let s = speakers("During a visit, Trump said the U.S. would be “involved” in it.");
        assert_eq!(s[0].1, Some("Donald Trump"));
    }
}
