//! Stage 2: the cross-source work, as pure functions of the loaded content.
//!
//! Nothing here reads or writes files; everything is indexed by the position of
//! the article, topic or participant in the `Project`, so the result is as
//! deterministic as the (sorted) input.

pub mod citations;
pub mod compare;
pub mod dates;
pub mod matcher;
pub mod paragraphs;
pub mod quotes;
pub mod statements;

pub use matcher::Hit;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::load::{Article, Project};
use matcher::Matcher;

#[derive(Debug, Default)]
pub struct Analysis {
    /// One per article, in `Project::articles` order.
    pub sources: Vec<SourceText>,
    /// Every quote of every source, in source and paragraph order.
    pub quotes: Vec<Quote>,
    /// `coverage[t][s]`: how many paragraphs of source `s` are on topic `t`.
    pub coverage: Vec<Vec<usize>>,
    /// `mentions[p][s]`: how many times source `s` names participant `p`.
    pub mentions: Vec<Vec<usize>>,
    /// Quotes grouped into statements across sources.
    pub statements: Vec<statements::Statement>,
    /// `support[s][i]`: the best share of paragraph `i`'s substance found in
    /// one paragraph of another source (`None` when not judged).
    pub support: Vec<Vec<Option<f64>>>,
    /// Pairs of sources sharing wording, most similar first.
    pub pairs: Vec<compare::Pair>,
    /// Spellings that differ across sources: names, then `variants.yaml`.
    pub spellings: Vec<compare::Spelling>,
    /// Every figure of every paragraph, in source and paragraph order.
    pub figures: Vec<compare::Figure>,
}

#[derive(Debug)]
pub struct SourceText {
    pub paragraphs: Vec<Paragraph>,
    /// Words of all paragraphs (separated by white space), counted once here
    /// rather than by every rebuild of the pages.
    pub words: usize,
}

impl SourceText {
    pub fn new(paragraphs: Vec<Paragraph>) -> SourceText {
        let words = paragraphs.iter().map(|p| p.words).sum();
        SourceText { paragraphs, words }
    }
}

/// What the analysis of one source makes on its own, before sources are compared.
struct SourceAnalysis {
    text: SourceText,
    /// For comparing sources; dropped once they are compared, as pages
    /// never show them.
    prints: compare::Prints,
    quotes: Vec<Quote>,
    figures: Vec<compare::Figure>,
    counts: Counts,
}

/// A source's paragraphs on each topic (headings aside) and mentions of each
/// participant, as (topic or participant, count) where the count is not
/// zero: counted with the rest of the source, in parallel, and only added
/// into the corpus-wide tables after.
struct Counts {
    topics: Vec<(usize, usize)>,
    participants: Vec<(usize, usize)>,
}

impl Counts {
    fn of(text: &SourceText) -> Counts {
        let mut topics: BTreeMap<usize, usize> = BTreeMap::new();
        let mut participants: BTreeMap<usize, usize> = BTreeMap::new();
        for para in &text.paragraphs {
            if !para.heading {
                for &t in para.topics() {
                    *topics.entry(t).or_default() += 1;
                }
            }
            for h in &para.participant_hits {
                *participants.entry(h.owner).or_default() += 1;
            }
        }
        Counts {
            topics: topics.into_iter().collect(),
            participants: participants.into_iter().collect(),
        }
    }
}

#[derive(Debug)]
pub struct Paragraph {
    /// 1-based and stable: the anchor is `p{n}`.
    pub n: usize,
    pub text: String,
    pub heading: bool,
    /// How many words, separated by white space, the text has.
    pub words: usize,
    /// Keyword matches, `owner` being the topic index; sorted by position.
    pub topic_hits: Vec<Hit>,
    /// Alias matches, `owner` being the participant index; sorted by position.
    pub participant_hits: Vec<Hit>,
    /// The topics and participants of the hits, ascending, each once.
    topic_ids: Vec<usize>,
    participant_ids: Vec<usize>,
}

impl Paragraph {
    /// Paragraph `n` of `words` words (`text.split_whitespace().count()`,
    /// which the caller usually knows from folding the text).
    pub fn new(
        n: usize,
        text: String,
        heading: bool,
        words: usize,
        topic_hits: Vec<Hit>,
        participant_hits: Vec<Hit>,
    ) -> Paragraph {
        debug_assert_eq!(words, text.split_whitespace().count());
        Paragraph {
            n,
            text,
            heading,
            words,
            topic_ids: owners(&topic_hits),
            participant_ids: owners(&participant_hits),
            topic_hits,
            participant_hits,
        }
    }

    pub fn anchor(&self) -> String {
        format!("p{}", self.n)
    }

    /// The topics this paragraph is on, ascending, each once.
    pub fn topics(&self) -> &[usize] {
        &self.topic_ids
    }

    /// The participants this paragraph names, ascending, each once.
    pub fn participants(&self) -> &[usize] {
        &self.participant_ids
    }
}

impl Paragraph {
    /// Puts `hits` in place of topic `t`'s; says whether the paragraph is
    /// now on or off the topic where it was not before.
    fn replace_topic_hits(&mut self, t: usize, hits: Vec<Hit>) -> bool {
        let was = self.topic_ids.binary_search(&t).is_ok();
        self.topic_hits.retain(|h| h.owner != t);
        self.topic_hits.extend(hits);
        self.topic_hits.sort();
        self.topic_ids = owners(&self.topic_hits);
        was != self.topic_ids.binary_search(&t).is_ok()
    }
}

fn owners(hits: &[Hit]) -> Vec<usize> {
    let mut v: Vec<usize> = hits.iter().map(|h| h.owner).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[derive(Debug, Clone)]
pub struct Quote {
    pub source: usize,
    /// Index into the source's paragraphs.
    pub paragraph: usize,
    /// Byte range of the quoted words in the paragraph's text.
    pub start: usize,
    pub end: usize,
    pub speaker: Option<usize>,
    /// How the text describes an unnamed speaker ("the official").
    pub descriptor: Option<String>,
}

pub fn analyze(project: &Project) -> Analysis {
    compare_sources(project, read_sources(project))
}

/// Each source analysed on its own: paragraphs, matches, quotes, figures and
/// fingerprints. After this, the articles' bodies are not needed again.
pub struct SourcesRead(Vec<SourceAnalysis>);

/// The automaton of every topic's keywords and every participant's names.
fn matcher_of(project: &Project) -> Matcher {
    let topic_phrases: Vec<Vec<String>> =
        project.topics.iter().map(|t| t.keywords.clone()).collect();
    let participant_phrases: Vec<Vec<String>> = project
        .participants
        .iter()
        .map(|p| {
            let mut names = vec![p.name.clone()];
            names.extend(p.aliases.iter().cloned());
            names
        })
        .collect();
    Matcher::with_number_words(&topic_phrases, &participant_phrases, compare::NUMBER_WORDS)
}

pub fn read_sources(project: &Project) -> SourcesRead {
    let matcher = matcher_of(project);
    // Articles are independent: analyse them in parallel, then add up in
    // article order so the result does not depend on the thread count.
    let per_source: Vec<SourceAnalysis> = project
        .articles
        .par_iter()
        .enumerate()
        .map(|(s, article)| analyze_source(s, article, &matcher))
        .collect();
    SourcesRead(per_source)
}

/// What `serve` keeps to read one edited source again rather than all of
/// them: what each source is compared by, and the indexes the comparisons
/// of one source with the others read.
#[derive(Debug)]
pub struct Compared {
    prints: Vec<compare::Prints>,
    support: compare::SupportIndex,
    shingles: compare::ShingleIndex,
    /// What grouping the quotes into statements compared.
    grouping: statements::Grouping,
    /// What was read again since the sources were last compared.
    pending: Option<Pending>,
}

/// Sources read again since the last comparison.
#[derive(Debug)]
enum Pending {
    /// One, with its paragraphs' content words and its number of quotes
    /// before: the paragraphs of others that could read them are judged
    /// again, no others, and only the pairs of quotes the edit can change
    /// compared again.
    One {
        s: usize,
        content: Vec<Vec<u32>>,
        quotes: usize,
    },
    /// More than one: every paragraph is judged again.
    Several,
}

impl Compared {
    /// For `analysis` as [`analyze`] made it.
    pub fn of(analysis: &Analysis) -> Compared {
        let prints: Vec<compare::Prints> = analysis
            .sources
            .par_iter()
            .map(|text| compare::Prints::of(&text.paragraphs))
            .collect();
        let ((support, shingles), grouping) = rayon::join(
            || {
                rayon::join(
                    || compare::SupportIndex::new(&prints),
                    || compare::ShingleIndex::new(&prints),
                )
            },
            || {
                statements::Grouping::new(
                    &analysis.quotes,
                    &quote_texts(&analysis.sources, &analysis.quotes),
                )
            },
        );
        Compared {
            prints,
            support,
            shingles,
            grouping,
            pending: None,
        }
    }
}

/// After an edit to article `s` of `project` (its body loaded again): reads
/// that source again, and brings `analysis` as far as its own page needs.
/// Its paragraphs, quotes, figures, matches, passages found in no other
/// source and pairs sharing wording are then what [`analyze`] finds for it
/// in the edited project, found through the indexes `kept` holds (updated
/// here). What other sources' pages show across sources is not: the
/// statements and spellings are left empty until [`compare_again`].
pub fn read_again(project: &Project, analysis: &mut Analysis, kept: &mut Compared, s: usize) {
    let one = analyze_source(s, &project.articles[s], &matcher_of(project));
    let old = std::mem::replace(&mut kept.prints[s], one.prints);
    kept.support
        .replace(s, &old.content, &kept.prints[s].content);
    kept.shingles
        .replace(s, &old.shingles, &kept.prints[s].shingles);
    // Quotes and figures are kept in source order.
    let from = analysis.quotes.partition_point(|q| q.source < s);
    let to = analysis.quotes.partition_point(|q| q.source <= s);
    kept.pending = Some(match kept.pending {
        None => Pending::One {
            s,
            content: old.content,
            quotes: to - from,
        },
        Some(_) => Pending::Several,
    });
    analysis.coverage.iter_mut().for_each(|c| c[s] = 0);
    analysis.mentions.iter_mut().for_each(|m| m[s] = 0);
    count(
        &one.counts,
        s,
        &mut analysis.coverage,
        &mut analysis.mentions,
    );
    analysis.quotes.splice(from..to, one.quotes);
    let from = analysis.figures.partition_point(|f| f.source < s);
    let to = analysis.figures.partition_point(|f| f.source <= s);
    analysis.figures.splice(from..to, one.figures);
    analysis.sources[s] = one.text;
    analysis.support[s] = compare::support_of(&kept.support, &analysis.sources, &kept.prints, s);
    analysis.pairs.retain(|p| p.a != s && p.b != s);
    analysis
        .pairs
        .extend(compare::pairs_of(&kept.prints, &kept.shingles, s));
    analysis.pairs.sort_by(compare::most_similar_first);
    // They number quotes, which have moved.
    analysis.statements = Vec::new();
    analysis.spellings = Vec::new();
}

/// After [`read_again`]: every comparison across sources made again, from
/// each source's analysis as `analysis` and `kept` now hold it, as
/// [`analyze`] makes them of the edited project. What [`read_again`]
/// brought up to date (the sources, quotes, figures and counts) is kept.
pub fn compare_again(project: &Project, analysis: Analysis, kept: &mut Compared) -> Analysis {
    let Analysis {
        sources,
        quotes,
        coverage,
        mentions,
        support,
        pairs,
        figures,
        ..
    } = analysis;
    // One source read again: the pairs [`read_again`] found are what
    // comparing every source finds, and only some paragraphs' support can
    // have changed.
    let reuse = match kept.pending.take() {
        Some(Pending::One { s, content, quotes }) => Some(Reuse {
            judged: Judged {
                index: &kept.support,
                s,
                old: content,
                support,
            },
            pairs,
            quotes_before: quotes,
        }),
        _ => None,
    };
    let own = Own {
        sources,
        quotes,
        coverage,
        mentions,
        figures,
    };
    compare_across(project, own, &kept.prints, reuse, Some(&mut kept.grouping))
}

/// Every quote's words, in the order of `quotes`.
fn quote_texts<'a>(sources: &'a [SourceText], quotes: &[Quote]) -> Vec<&'a str> {
    quotes
        .iter()
        .map(|q| &sources[q.source].paragraphs[q.paragraph].text[q.start..q.end])
        .collect()
}

/// What comparing the sources again after one was read again keeps.
struct Reuse<'a> {
    judged: Judged<'a>,
    pairs: Vec<compare::Pair>,
    /// How many quotes the source read again had before.
    quotes_before: usize,
}

/// What [`compare::support_again`] judges again from.
struct Judged<'a> {
    /// The single-source judgement's index, updated.
    index: &'a compare::SupportIndex,
    /// The source read again, and its paragraphs' content words before.
    s: usize,
    old: Vec<Vec<u32>>,
    /// The support as it was, but for that source's own.
    support: Vec<Vec<Option<f64>>>,
}

/// Adds source `s`'s `counts` to `coverage` and `mentions`.
fn count(counts: &Counts, s: usize, coverage: &mut [Vec<usize>], mentions: &mut [Vec<usize>]) {
    for &(t, n) in &counts.topics {
        coverage[t][s] += n;
    }
    for &(p, n) in &counts.participants {
        mentions[p][s] += n;
    }
}

/// The work across sources, on what [`read_sources`] made.
pub fn compare_sources(project: &Project, read: SourcesRead) -> Analysis {
    let per_source = read.0;
    let mut own = Own {
        sources: Vec::with_capacity(per_source.len()),
        quotes: Vec::new(),
        coverage: vec![vec![0; project.articles.len()]; project.topics.len()],
        mentions: vec![vec![0; project.articles.len()]; project.participants.len()],
        figures: Vec::new(),
    };
    let mut prints = Vec::with_capacity(per_source.len());
    for (s, one) in per_source.into_iter().enumerate() {
        count(&one.counts, s, &mut own.coverage, &mut own.mentions);
        own.quotes.extend(one.quotes);
        own.figures.extend(one.figures);
        own.sources.push(one.text);
        prints.push(one.prints);
    }
    compare_across(project, own, &prints, None, None)
}

/// What the analysis of each source on its own gives, gathered.
struct Own {
    sources: Vec<SourceText>,
    quotes: Vec<Quote>,
    coverage: Vec<Vec<usize>>,
    mentions: Vec<Vec<usize>>,
    figures: Vec<compare::Figure>,
}

/// The analysis: `own`, and the comparisons across its sources (whose
/// fingerprints are `prints`), keeping what `reuse` says is unchanged.
/// The quotes are grouped into `grouping` when `serve` keeps one (only
/// where the source read again can change a pair, with `reuse`), else
/// from scratch.
fn compare_across(
    project: &Project,
    own: Own,
    prints: &[compare::Prints],
    reuse: Option<Reuse>,
    grouping: Option<&mut statements::Grouping>,
) -> Analysis {
    let (sources, quotes) = (&own.sources, &own.quotes);
    let again = reuse.as_ref().map(|r| (r.judged.s, r.quotes_before));
    let (judged, pairs) = reuse.map(|r| (r.judged, r.pairs)).unzip();
    // The four comparisons are independent, and each has serial parts (an
    // index built, groups joined): run side by side, one's serial part
    // overlaps another's parallel one.
    let ((statements, support), (pairs, spellings)) = rayon::join(
        || {
            rayon::join(
                || {
                    let texts = quote_texts(sources, quotes);
                    let Some(grouping) = grouping else {
                        return statements::group(quotes, &texts);
                    };
                    match again {
                        Some((s, before)) => grouping.replace(quotes, &texts, s, before),
                        None => *grouping = statements::Grouping::new(quotes, &texts),
                    }
                    grouping.statements(quotes)
                },
                || match judged {
                    Some(j) => {
                        compare::support_again(j.index, sources, prints, j.s, &j.old, j.support)
                    }
                    None => compare::best_support(sources, prints),
                },
            )
        },
        || {
            rayon::join(
                || pairs.unwrap_or_else(|| compare::similarities(prints)),
                || {
                    let mut spellings =
                        compare::name_spellings(sources, project.participants.len());
                    spellings.extend(compare::spellings(sources, &project.variants));
                    spellings
                },
            )
        },
    );
    Analysis {
        sources: own.sources,
        quotes: own.quotes,
        coverage: own.coverage,
        mentions: own.mentions,
        statements,
        support,
        pairs,
        spellings,
        figures: own.figures,
    }
}

/// The index of the paragraphs' words that [`rematch_topic`] looks keywords
/// up in.
pub fn word_index(analysis: &Analysis) -> matcher::WordIndex {
    let texts: Vec<Vec<&str>> = analysis
        .sources
        .iter()
        .map(|s| s.paragraphs.iter().map(|p| p.text.as_str()).collect())
        .collect();
    matcher::WordIndex::new(&texts)
}

/// After topic `t`'s keywords changed (and nothing else): finds them again,
/// as [`analyze`] would, in the paragraphs `words` (the [`word_index`] of
/// `analysis`) says they may be in, and updates the topic's hits and
/// coverage in place. Returns the paragraphs, as (source, index) in order,
/// now on or off the topic where they were not before.
///
/// Nothing else the analysis finds depends on a topic's keywords, and one
/// topic's hits never depend on another's, so this leaves `analysis` as
/// [`analyze`] would make it of the edited project.
pub fn rematch_topic(
    project: &Project,
    analysis: &mut Analysis,
    t: usize,
    words: &matcher::WordIndex,
) -> Vec<(usize, usize)> {
    let mut phrases = vec![Vec::new(); project.topics.len()];
    phrases[t] = project.topics[t].keywords.clone();
    let matcher = Matcher::new(&phrases, &[]);
    // Per source, the paragraphs the keywords may be in (`None`: all).
    let mut candidates: Vec<Option<Vec<usize>>> = vec![None; analysis.sources.len()];
    if let Some(found) = words.candidates(&phrases[t]) {
        candidates.iter_mut().for_each(|c| *c = Some(Vec::new()));
        for (s, i) in found {
            if let Some(list) = &mut candidates[s] {
                list.push(i);
            }
        }
    }
    let per_source: Vec<(Vec<usize>, usize)> = analysis
        .sources
        .par_iter_mut()
        .zip(&candidates)
        .map(|(text, candidates)| {
            let mut changed = Vec::new();
            let mut covered = 0;
            let mut next = 0;
            for (i, para) in text.paragraphs.iter_mut().enumerate() {
                let candidate = match candidates {
                    None => true,
                    Some(list) => {
                        let here = list.get(next) == Some(&i);
                        next += usize::from(here);
                        here
                    }
                };
                // Paragraphs on the topic before are looked at again too:
                // they may have lost it.
                let had = para.topics().binary_search(&t).is_ok();
                if candidate || had {
                    let hits = matcher.find(&para.text).0;
                    if para.replace_topic_hits(t, hits) {
                        changed.push(i);
                    }
                }
                if !para.heading && para.topics().binary_search(&t).is_ok() {
                    covered += 1;
                }
            }
            (changed, covered)
        })
        .collect();
    let mut changed = Vec::new();
    for (s, (paragraphs, covered)) in per_source.into_iter().enumerate() {
        analysis.coverage[t][s] = covered;
        changed.extend(paragraphs.into_iter().map(|i| (s, i)));
    }
    changed
}

fn analyze_source(s: usize, article: &Article, matcher: &Matcher) -> SourceAnalysis {
    let mut paragraphs = Vec::new();
    let mut folded_texts = Vec::new();
    let mut quotes = Vec::new();
    let mut figures = Vec::new();
    for (i, block) in paragraphs::split(article).into_iter().enumerate() {
        // Folded once, for the matcher, the word count and the comparison's
        // fingerprints.
        let folded = matcher::fold(&block.text);
        let found = matcher.find_folded(&folded);
        let words = folded.word_count();
        folded_texts.push(folded.text);
        let para = Paragraph::new(
            i + 1,
            block.text,
            block.heading,
            words,
            found.topics,
            found.participants,
        );
        if !para.heading {
            for q in quotes::extract(&para.text, &para.participant_hits) {
                quotes.push(Quote {
                    source: s,
                    paragraph: i,
                    start: q.start,
                    end: q.end,
                    speaker: q.speaker,
                    descriptor: q.descriptor,
                });
            }
        }
        for (start, end, unit) in compare::figures(&para.text, &found.number_words) {
            figures.push(compare::Figure {
                source: s,
                paragraph: i,
                start,
                end,
                unit,
            });
        }
        paragraphs.push(para);
    }
    let prints = compare::Prints::of_folded(&paragraphs, &folded_texts);
    let text = SourceText::new(paragraphs);
    SourceAnalysis {
        counts: Counts::of(&text),
        text,
        prints,
        quotes,
        figures,
    }
}

impl Analysis {
    pub fn quote_text(&self, q: &Quote) -> &str {
        &self.sources[q.source].paragraphs[q.paragraph].text[q.start..q.end]
    }
}
