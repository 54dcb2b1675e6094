//! Which pages an edit to one source's text changed, so that `serve` renders
//! only those again. Such an edit reaches past the source's own pages (the
//! passages no other source carries, shared wording, statements numbered
//! along the quotes pages, the topics' and participants' counts), so what
//! the pages showed before the edit is kept ([`Shown`]) and, once the
//! analysis is what a whole build makes of the edited dossier, compared
//! with what they show now.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use super::pages::{QUOTES_PER_PAGE, quotes_page_path};
use super::view::{
    self, Model, PARTICIPANT_ITEMS_PER_PAGE, ParticipantCard, TOPIC_SOURCES_PER_PAGE, TopicCard,
};
use super::{Job, naming};
use crate::analyze::Analysis;
use crate::analyze::compare::{Pair, Spelling};
use crate::load::Project;

/// What the pages showed, before an edit to source `s`'s text, of what the
/// edit can change on other pages than the source's own.
pub struct Shown {
    s: usize,
    topic_pages: Vec<usize>,
    participant_pages: Vec<usize>,
    quote_pages: usize,
    topics: Vec<TopicCard>,
    participants: Vec<ParticipantCard>,
    /// Whether source `s` named each participant.
    mentioned: Vec<bool>,
    /// Each paragraph of each source: whether no other source carries it.
    unique: Vec<Vec<bool>>,
    pairs: Vec<Pair>,
    spellings: Vec<Spelling>,
    /// Each statement as [`statement_prints`] tells it…
    statements: Vec<Option<u64>>,
    /// …each participant's, in order…
    spoken: Vec<Vec<Option<u64>>>,
    /// How many quotes, statements and statements reported by more than
    /// one source there are: each quotes page says.
    counts: (usize, usize, usize),
}

impl Shown {
    /// Read from `analysis`, as a whole build (or the last edit) left it.
    pub fn of(project: &Project, analysis: &Analysis, s: usize) -> Shown {
        let members = |row: &Vec<usize>| row.iter().filter(|&&c| c > 0).count();
        // This comes before the edited source's own page is served: the
        // two passes over every statement side by side with the rest.
        let (statements, (spoken, (topics, participants, unique, shared))) = rayon::join(
            || statement_prints(analysis, s),
            || {
                (
                    view::spoken(analysis, project.participants.len()),
                    (
                        view::topic_cards(project, analysis),
                        view::participant_cards(project, analysis),
                        unique(analysis),
                        view::shared_statements(analysis),
                    ),
                )
            },
        );
        Shown {
            s,
            topic_pages: analysis
                .coverage
                .iter()
                .map(|row| view::pages_for(members(row), TOPIC_SOURCES_PER_PAGE))
                .collect(),
            participant_pages: analysis
                .mentions
                .iter()
                .zip(&spoken)
                .map(|(row, said)| {
                    view::pages_for(members(row).max(said.len()), PARTICIPANT_ITEMS_PER_PAGE)
                })
                .collect(),
            quote_pages: view::pages_for(analysis.statements.len(), QUOTES_PER_PAGE),
            topics,
            participants,
            mentioned: analysis.mentions.iter().map(|row| row[s] > 0).collect(),
            unique,
            pairs: analysis.pairs.clone(),
            spellings: analysis.spellings.clone(),
            spoken: spoken
                .iter()
                .map(|said| said.iter().map(|&k| statements[k]).collect())
                .collect(),
            counts: (analysis.quotes.len(), analysis.statements.len(), shared),
            statements,
        }
    }
}

fn unique(analysis: &Analysis) -> Vec<Vec<bool>> {
    (0..analysis.sources.len())
        .map(|s| {
            (0..analysis.support[s].len())
                .map(|i| view::is_unique(analysis, s, i))
                .collect()
        })
        .collect()
}

/// Each statement as its pages show it: a fingerprint of its speaker and of
/// where each of its quotes is (which, in another source than `s`, fixes
/// all a statement shows), or `None` for a statement quoting `s`, whose
/// text may have changed in place. `None` never equals anything.
fn statement_prints(analysis: &Analysis, s: usize) -> Vec<Option<u64>> {
    analysis
        .statements
        .iter()
        .map(|st| {
            let mut h = rustc_hash::FxHasher::default();
            st.speaker.hash(&mut h);
            for &q in &st.quotes {
                let q = &analysis.quotes[q];
                if q.source == s {
                    return None;
                }
                (
                    q.source,
                    q.paragraph,
                    q.start,
                    q.end,
                    q.speaker,
                    &q.descriptor,
                )
                    .hash(&mut h);
            }
            Some(h.finish())
        })
        .collect()
}

/// The pages to render again after the edit, and the paths of pages gone.
pub(super) struct Changed {
    pub jobs: Vec<Job>,
    pub gone: Vec<String>,
}

/// What differs between `before` and the pages `m` makes.
pub(super) fn changed(m: &Model, before: &Shown) -> Changed {
    let (s, a) = (before.s, m.analysis);
    let mut jobs: BTreeSet<Job> = naming(m, s).into_iter().collect();
    jobs.extend([
        Job::Index,
        Job::List(0),
        Job::List(1),
        Job::List(2),
        Job::Compare,
        Job::Print,
        Job::Export,
        Job::SearchIndex,
    ]);
    let mut gone = Vec::new();

    // A topic's counts head each of its pages, which go on to the next
    // (the source's own page among them is one that names it); its sources
    // are listed in order, so when the edited one joins or leaves, the
    // counts change and those after it move.
    for t in 0..m.topics.len() {
        let (old, new) = (before.topic_pages[t], m.topic_pages(t));
        if before.topics[t] != m.topics[t] || old != new {
            jobs.extend((1..=new).map(|k| Job::Topic(t, k)));
        }
        gone.extend((new + 1..=old).map(|k| view::topic_page_href(&m.topics[t].slug, k)));
    }

    let statements = statement_prints(a, s);
    let spoken =
        |p: usize| -> Vec<Option<u64>> { m.spoken[p].iter().map(|&k| statements[k]).collect() };
    for p in 0..m.participants.len() {
        let (old, new) = (before.participant_pages[p], m.participant_pages(p));
        let per = PARTICIPANT_ITEMS_PER_PAGE;
        if before.participants[p] != m.participants[p] || old != new {
            jobs.extend((1..=new).map(|k| Job::Participant(p, k)));
        } else if before.mentioned[p] {
            // The first page counts their passages by topic.
            let rank = m.mentioning[p].partition_point(|&o| o < s);
            jobs.extend([Job::Participant(p, 1), Job::Participant(p, rank / per + 1)]);
        }
        if let Some(range) = differing(&before.spoken[p], &spoken(p)) {
            let last = range.end.saturating_sub(1) / per + 1;
            jobs.extend((range.start / per + 1..=last.min(new)).map(|k| Job::Participant(p, k)));
        }
        let id = &m.participants[p].id;
        gone.extend((new + 1..=old).map(|k| view::participant_page_href(id, k)));
    }

    let (old, new) = (
        before.quote_pages,
        view::pages_for(a.statements.len(), QUOTES_PER_PAGE),
    );
    let counts = (a.quotes.len(), a.statements.len(), m.shared_statements);
    if before.counts != counts || old != new {
        jobs.extend((1..=new).map(Job::Quotes));
    } else if let Some(range) = differing(&before.statements, &statements) {
        let last = range.end.saturating_sub(1) / QUOTES_PER_PAGE + 1;
        jobs.extend((range.start / QUOTES_PER_PAGE + 1..=last.min(new)).map(Job::Quotes));
    }
    gone.extend((new + 1..=old).map(quotes_page_path));

    // Passages of other sources found, or no longer found, in no other
    // (only the export shows by how much).
    for (o, now) in unique(a).iter().enumerate() {
        if o != s && *now != before.unique[o] {
            jobs.extend(naming(m, o));
        }
    }
    // The sources of each pair sharing wording that came, went or changed.
    let key = |p: &Pair| (p.a, p.b, p.shared, p.similarity.to_bits());
    let old_pairs: BTreeSet<_> = before.pairs.iter().map(key).collect();
    let new_pairs: BTreeSet<_> = a.pairs.iter().map(key).collect();
    for &(x, y, _, _) in old_pairs.symmetric_difference(&new_pairs) {
        jobs.extend([Job::Source(x), Job::Source(y)]);
    }
    // A participant's first page shows how the sources spell their name.
    let spellings_gone = before
        .spellings
        .iter()
        .filter(|sp| !a.spellings.contains(sp));
    let spellings_new = a
        .spellings
        .iter()
        .filter(|sp| !before.spellings.contains(sp));
    for sp in spellings_gone.chain(spellings_new) {
        if let Some(p) = sp.participant {
            jobs.insert(Job::Participant(p, 1));
        }
    }
    Changed {
        jobs: jobs.into_iter().collect(),
        gone,
    }
}

/// The positions, in `new`, from the first item that differs from `old` to
/// the last one; to the end when the two differ in length, since every item
/// after the first difference then moves. `None` when they are the same.
fn differing(old: &[Option<u64>], new: &[Option<u64>]) -> Option<std::ops::Range<usize>> {
    let same = |x: &Option<u64>, y: &Option<u64>| x.is_some() && x == y;
    let from = old.iter().zip(new).take_while(|(x, y)| same(x, y)).count();
    if from == old.len() && from == new.len() {
        return None;
    }
    if old.len() != new.len() {
        return Some(from..new.len().max(from + 1));
    }
    let back = old[from..]
        .iter()
        .rev()
        .zip(new[from..].iter().rev())
        .take_while(|(x, y)| same(x, y))
        .count();
    Some(from..new.len() - back)
}

#[cfg(test)]
mod tests {
    use super::differing;

    #[test]
    fn differing_spans_what_changed_and_what_moved() {
        let (a, b, c, d) = (Some(1), Some(2), Some(3), Some(4));
        assert_eq!(differing(&[a, b, c], &[a, b, c]), None);
        assert_eq!(differing(&[a, b, c], &[a, d, c]), Some(1..2));
        // A statement quoting the edited source is never taken as unchanged.
        assert_eq!(differing(&[a, None, c], &[a, None, c]), Some(1..2));
        assert_eq!(differing(&[a, b, c], &[a, d, b, c]), Some(1..4));
        assert_eq!(differing(&[a, b, c], &[a, b]), Some(2..3));
        assert_eq!(differing(&[], &[a]), Some(0..1));
    }
}
