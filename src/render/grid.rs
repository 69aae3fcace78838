//! Tables for a terminal, drawn a row at a time: a first pass over the rows measures the columns,
//! a second writes them, so a table of 100,000 rows is never held whole (a table crate lays out
//! every cell before it prints the first).
//!
//! Cells wrap at spaces to fit the terminal; a word is broken only where its column cannot be
//! as wide as it (each column is first given its longest word, then the room left is shared).

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The widths of a table's columns, measured over its header and rows.
pub(super) struct Columns {
    /// The widest cell of each column, in terminal columns.
    widest: Vec<usize>,
    /// The widest word of each column.
    word: Vec<usize>,
}

impl Columns {
    /// Columns measured from the header; [`Columns::measure`] each row, then [`Columns::fit`].
    pub(super) fn new(header: &[&str]) -> Self {
        let mut c = Columns { widest: vec![0; header.len()], word: vec![0; header.len()] };
        c.measure(header);
        c
    }

    pub(super) fn measure<S: AsRef<str>>(&mut self, row: &[S]) {
        for ((cell, widest), word) in row.iter().zip(&mut self.widest).zip(&mut self.word) {
            let cell = cell.as_ref();
            *widest = (*widest).max(cell.width());
            *word = (*word).max(cell.split(' ').map(UnicodeWidthStr::width).max().unwrap_or(0));
        }
    }

    /// The widths for a table at most `width` terminal columns wide (borders and padding
    /// included): each column as wide as its widest cell where they all fit; else each its
    /// widest word, and the room left shared out evenly (a column takes no more than its widest
    /// cell); where even the words do not fit, the room shared out from nothing.
    pub(super) fn fit(self, width: usize) -> Widths {
        let n = self.widest.len();
        // `│ ` before each cell, ` ┆ ` between, ` │` after.
        let room = width.saturating_sub(3 * n + 1);
        let floor: Vec<usize> = self.word.iter().zip(&self.widest).map(|(w, c)| (*w).min(*c)).collect();
        let widths = if self.widest.iter().sum::<usize>() <= room {
            self.widest
        } else if floor.iter().sum::<usize>() <= room {
            share(&self.widest, &floor, room)
        } else {
            share(&self.widest, &vec![1; n], room.max(n))
        };
        Widths(widths)
    }
}

/// Water-filling: the largest level such that the columns, each at least its `floor` and at
/// most its `want`, fill no more than `room`; what the level leaves over goes one column at a
/// time from the left to those that want more.
fn share(want: &[usize], floor: &[usize], room: usize) -> Vec<usize> {
    let at = |level: usize| -> Vec<usize> { want.iter().zip(floor).map(|(w, f)| level.max(*f).min(*w)).collect() };
    let (mut low, mut high) = (0, want.iter().copied().max().unwrap_or(0));
    while low < high {
        let mid = (low + high).div_ceil(2);
        if at(mid).iter().sum::<usize>() <= room { low = mid } else { high = mid - 1 }
    }
    let mut widths = at(low);
    let mut left = room.saturating_sub(widths.iter().sum());
    for (w, want) in widths.iter_mut().zip(want) {
        if left > 0 && *w < *want {
            *w += 1;
            left -= 1;
        }
    }
    widths
}

/// The fitted widths of a table's columns: draws its borders and rows.
pub(super) struct Widths(Vec<usize>);

impl Widths {
    fn border(&self, out: &mut dyn Write, [left, line, between, right]: [char; 4]) -> io::Result<()> {
        let mut s = String::new();
        s.push(left);
        for (k, w) in self.0.iter().enumerate() {
            if k > 0 {
                s.push(between);
            }
            s.extend(std::iter::repeat_n(line, w + 2));
        }
        s.push(right);
        writeln!(out, "{s}")
    }

    /// The top border, the header and the line under it.
    pub(super) fn header(&self, header: &[&str], out: &mut dyn Write) -> io::Result<()> {
        self.border(out, ['┌', '─', '┬', '┐'])?;
        self.row(header, out)?;
        self.border(out, ['╞', '═', '╪', '╡'])
    }

    /// One row, its cells wrapped to their columns.
    pub(super) fn row<S: AsRef<str>>(&self, cells: &[S], out: &mut dyn Write) -> io::Result<()> {
        let lines: Vec<Vec<&str>> = cells.iter().zip(&self.0).map(|(c, w)| wrap(c.as_ref(), *w)).collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut s = String::from("│");
            for (i, (cell, w)) in lines.iter().zip(&self.0).enumerate() {
                let text = cell.get(k).copied().unwrap_or("");
                s.push_str(if i == 0 { " " } else { " ┆ " });
                s.push_str(text);
                s.extend(std::iter::repeat_n(' ', w.saturating_sub(text.width())));
            }
            s.push_str(" │");
            writeln!(out, "{s}")?;
        }
        Ok(())
    }

    /// The bottom border.
    pub(super) fn end(&self, out: &mut dyn Write) -> io::Result<()> {
        self.border(out, ['└', '─', '┴', '┘'])
    }
}

/// `text` in lines at most `width` wide, broken at spaces; a word wider than that is cut where
/// it reaches the width.
fn wrap(text: &str, width: usize) -> Vec<&str> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut rest = text;
    while rest.width() > width {
        // The first character past the width, and the last space before it.
        let (mut used, mut space, mut over) = (0, None, rest.len());
        for (i, c) in rest.char_indices() {
            let w = UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > width {
                over = i;
                break;
            }
            if c == ' ' {
                space = Some(i);
            }
            used += w;
        }
        let cut = match space {
            _ if rest[over..].starts_with(' ') => over,
            Some(s) if s > 0 => s,
            // A word wider than the column (at least one character, so that the loop ends).
            _ => over.max(rest.chars().next().map_or(1, char::len_utf8)),
        };
        let (line, after) = rest.split_at(cut);
        lines.push(line.trim_end_matches(' '));
        rest = after.trim_start_matches(' ');
    }
    lines.push(rest);
    lines
}

/// A whole table, for the small ones: measured, fitted and written.
pub(super) fn write(header: &[&str], rows: &[Vec<String>], width: usize, out: &mut dyn Write) -> io::Result<()> {
    let mut columns = Columns::new(header);
    for r in rows {
        columns.measure(r);
    }
    let widths = columns.fit(width);
    widths.header(header, out)?;
    for r in rows {
        widths.row(r, out)?;
    }
    widths.end(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(header: &[&str], rows: &[&[&str]], width: usize) -> String {
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        let mut out = Vec::new();
        write(header, &rows, width, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_table_that_fits_keeps_each_cell_on_one_line() {
        let t = drawn(&["Date", "Area"], &[&["2027-01-14", "People operations (people-ops)"]], 80);
        assert_eq!(
            t,
            "┌────────────┬────────────────────────────────┐\n\
             │ Date       ┆ Area                           │\n\
             ╞════════════╪════════════════════════════════╡\n\
             │ 2027-01-14 ┆ People operations (people-ops) │\n\
             └────────────┴────────────────────────────────┘\n"
        );
    }

    #[test]
    fn a_narrow_table_wraps_at_spaces_and_keeps_ids_whole() {
        let row: &[&str] =
            &["2026-12-17", "Product engineering (platform-engineering)", "high", "Ines Moreau (external consultant)"];
        let t = drawn(&["Date", "Area", "Risk", "Auditor"], &[row], 60);
        for line in t.lines() {
            assert!(line.chars().count() <= 60, "{line}");
        }
        assert!(t.contains("(platform-engineering)"), "{t}");
        assert!(t.contains("2026-12-17"), "{t}");
    }

    #[test]
    fn a_word_wider_than_the_room_is_cut_not_lost() {
        let t = drawn(&["A", "B"], &[&["abcdefghijklmnopqrstuvwxyz", "x"]], 16);
        let a: String =
            t.lines().filter_map(|l| l.split('│').nth(1)).map(|c| c.split('┆').next().unwrap().trim()).collect();
        assert!(a.contains("abcdefghijklmnopqrstuvwxyz"), "{t}");
        for line in t.lines() {
            assert!(line.chars().count() <= 16, "{line}");
        }
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let t = drawn(&["Site"], &[&["東京"], &["Zürich"]], 80);
        // 東京 is four columns wide: two spaces of padding make it as wide as Zürich's six.
        assert!(t.contains("│ 東京   │"), "{t}");
        assert!(t.contains("│ Zürich │"), "{t}");
    }
}
