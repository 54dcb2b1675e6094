//! Relative dates in the articles ("on Friday", "tomorrow") resolved against
//! each article's publication date. These are suggestions for the analyst's
//! timeline, printed by `dossier check`; they are never added silently.

use jiff::civil::{Date, Weekday};

use super::SourceText;
use crate::load::Article;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub source: usize,
    /// Index into the source's paragraphs.
    pub paragraph: usize,
    /// The words as written ("on Friday").
    pub phrase: String,
    pub date: Date,
}

const DAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

/// Every relative date of every dated article, once per paragraph and phrase.
pub fn suggest(articles: &[Article], sources: &[SourceText]) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (s, (article, text)) in articles.iter().zip(sources).enumerate() {
        let Some(published) = article.meta.published else {
            continue;
        };
        for (i, p) in text.paragraphs.iter().enumerate() {
            let mut seen: Vec<String> = Vec::new();
            for word in p
                .text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let lower = word.to_lowercase();
                let date = match lower.as_str() {
                    "today" => Some(published),
                    "tomorrow" => published.tomorrow().ok(),
                    "yesterday" => published.yesterday().ok(),
                    _ => DAYS
                        .iter()
                        .find(|(name, _)| *name == lower)
                        .and_then(|&(_, day)| nearest(published, day)),
                };
                if let Some(date) = date
                    && !seen.contains(&lower)
                {
                    seen.push(lower);
                    out.push(Suggestion {
                        source: s,
                        paragraph: i,
                        phrase: word.to_string(),
                        date,
                    });
                }
            }
        }
    }
    out
}

/// The date with weekday `day` nearest to `from` (the same day if it is one),
/// preferring the past on a tie: news mostly reports what has happened.
fn nearest(from: Date, day: Weekday) -> Option<Date> {
    let ahead =
        (day.to_monday_zero_offset() - from.weekday().to_monday_zero_offset()).rem_euclid(7);
    let behind = (7 - ahead) % 7;
    if ahead < behind {
        from.checked_add(jiff::Span::new().days(i64::from(ahead)))
            .ok()
    } else {
        from.checked_sub(jiff::Span::new().days(i64::from(behind)))
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weekdays_resolve_to_the_nearest_such_day() {
        let sunday = date(2025, 8, 17);
        assert_eq!(nearest(sunday, Weekday::Friday), Some(date(2025, 8, 15)));
        assert_eq!(nearest(sunday, Weekday::Monday), Some(date(2025, 8, 18)));
        assert_eq!(nearest(sunday, Weekday::Sunday), Some(sunday));
        assert_eq!(nearest(sunday, Weekday::Wednesday), Some(date(2025, 8, 20)));
        assert_eq!(nearest(sunday, Weekday::Thursday), Some(date(2025, 8, 14)));
    }
}
