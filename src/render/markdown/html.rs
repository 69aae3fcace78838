//! `plan --format html`: the programme document of [`write()`](super::write) as one page to
//! print, converted from its Markdown as the Markdown is written.
//!
//! A programme of 100,000 areas has tables of 100,000 rows, and a CommonMark parser holds a
//! document as a tree many times the size of its text (converted whole, the document of a
//! 2.5 MB register took 946 MB). So the text between tables is converted a stretch at a time,
//! and each table a batch of rows at a time under its own head, the batches stitched into one
//! table: the page is the one the whole document gives, byte for byte, as long as every table
//! ends at a blank line, as every table [`write()`](super::write) writes does.

use std::io::{self, Write};

use crate::plan::Plan;

/// The programme document as one self-contained HTML page to print (A4, tables whose header
/// repeats on each page and whose rows are not split): the Markdown of [`write()`](super::write),
/// rendered as CommonMark with GitHub's tables. Register text is escaped in the Markdown
/// already, and raw HTML is not passed through.
pub fn html(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    let title = format!("Internal audit programme: {}", plan.register.organisation);
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<title>{}</title>\n<style>{PRINT_STYLE}</style>\n</head>\n<body>",
        crate::render::html::esc(&title)
    )?;
    let mut body = ToHtml::new(out, BATCH_BYTES);
    super::write(plan, &mut body)?;
    let out = body.finish()?;
    writeln!(out, "</body>\n</html>")
}

/// A4 portrait, a sober type, tables ruled and kept readable across pages.
const PRINT_STYLE: &str = "@page{size:A4;margin:16mm 14mm}\
body{font:10pt/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#111;max-width:190mm;margin:auto}\
h1{font-size:17pt;margin:0 0 4pt}h2{font-size:13pt;margin:14pt 0 4pt;border-bottom:1px solid #999;break-after:avoid}\
h3{font-size:11pt;margin:10pt 0 3pt;break-after:avoid}\
table{border-collapse:collapse;width:100%;margin:4pt 0;font-size:8.5pt}\
th,td{border:1px solid #bbb;padding:2pt 4pt;text-align:left;vertical-align:top}\
th{background:#eee}thead{display:table-header-group}tr{break-inside:avoid}\
code{font-size:8.5pt}";

/// How much of a table is converted at once, in bytes of its rows: enough that a parse is not
/// paid for each row, little enough that the tree of a batch stays small however wide its rows
/// (the table of who may audit which area has a column for each auditor).
const BATCH_BYTES: usize = 64 * 1024;

/// How a table opens and closes in the HTML of its batches.
const BODY_OPENS: &str = "<tbody>\n";
const BODY_CLOSES: &str = "</tbody>\n</table>\n";

/// Markdown in (as an [`io::Write`]), HTML out, converted as the Markdown comes.
struct ToHtml<'o> {
    out: &'o mut dyn Write,
    options: comrak::Options<'static>,
    batch_bytes: usize,
    /// The line being written, up to its newline.
    line: Vec<u8>,
    /// Markdown not converted yet: the text since the last table, or the rows of a table since
    /// its last batch.
    pending: String,
    /// A line starting with `|` after a blank line: a table's header row, if the next line is
    /// its delimiter row.
    header: Option<String>,
    /// In a table: its header and delimiter rows, its rows not written yet in `pending`.
    table: Option<Table>,
    /// Nothing or a blank line came last: a table may start.
    after_blank: bool,
}

struct Table {
    head: String,
    /// A batch of it was written, and with it the table's opening.
    opened: bool,
    /// A line came that does not start as a row: the block's rest is converted at once.
    tail: bool,
}

impl<'o> ToHtml<'o> {
    fn new(out: &'o mut dyn Write, batch_bytes: usize) -> Self {
        let mut options = comrak::Options::default();
        options.extension.table = true;
        ToHtml {
            out,
            options,
            batch_bytes,
            line: Vec::new(),
            pending: String::new(),
            header: None,
            table: None,
            after_blank: true,
        }
    }

    /// Converts what is left, and gives the writer back.
    fn finish(mut self) -> io::Result<&'o mut dyn Write> {
        if !self.line.is_empty() {
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
            self.take(line)?;
        }
        self.pending.extend(self.header.take());
        self.end_table()?;
        self.convert_text()?;
        Ok(self.out)
    }

    /// One whole line of Markdown, with its newline (but the last).
    fn take(&mut self, line: String) -> io::Result<()> {
        // Blank as CommonMark has it: spaces and tabs only (not any Unicode space).
        let blank = line.trim_matches([' ', '\t', '\r', '\n']).is_empty();
        if let Some(t) = self.table.as_mut() {
            if !blank {
                // A row; or, for a line that does not start as one, the rest of the block, to
                // be converted at once with the rows not written yet (a table's rows do not
                // depend on the lines after them, what follows them may).
                t.tail |= !line.starts_with('|');
                self.pending.push_str(&line);
                return self.flush_rows();
            }
            self.end_table()?;
        } else if let Some(header) = self.header.take() {
            if is_delimiter_row(&line) {
                self.convert_text()?;
                self.table = Some(Table { head: header + &line, opened: false, tail: false });
                self.after_blank = false;
                return Ok(());
            }
            self.pending.push_str(&header);
        } else if self.after_blank && line.starts_with('|') {
            self.header = Some(line);
            self.after_blank = false;
            return Ok(());
        }
        self.pending.push_str(&line);
        self.after_blank = blank;
        Ok(())
    }

    /// Writes the table's rows so far as a batch, if there are enough of them.
    fn flush_rows(&mut self) -> io::Result<()> {
        let Some(t) = self.table.as_mut() else { return Ok(()) };
        if t.tail || self.pending.len() < self.batch_bytes {
            return Ok(());
        }
        let markdown = format!("{}{}", t.head, self.pending);
        let html = convert(&markdown, &self.options);
        // A batch of rows is a table, and nothing after it.
        let body = html.find(BODY_OPENS).map(|b| b + BODY_OPENS.len()).zip(html.rfind(BODY_CLOSES));
        let table = body.filter(|&(from, to)| from <= to && to + BODY_CLOSES.len() == html.len());
        let Some((rows_from, rows_to)) = table else {
            // Not a table after all: a head and a delimiter row of different widths (never so
            // for the tables this module is given). The block is text, converted with what
            // follows it up to the next table, as a whole document would have it. (A head that
            // made a table once makes one again: a table already open is only closed.)
            if t.opened {
                self.out.write_all(BODY_CLOSES.as_bytes())?;
            }
            self.pending = markdown;
            self.table = None;
            return Ok(());
        };
        self.pending.clear();
        let from = if t.opened { rows_from } else { 0 };
        t.opened = true;
        self.out.write_all(&html.as_bytes()[from..rows_to])
    }

    /// Ends the table under way at a blank line (or the end): its last rows and what followed
    /// them in the block, and its closing.
    fn end_table(&mut self) -> io::Result<()> {
        let Some(t) = self.table.take() else { return Ok(()) };
        let html = convert(&format!("{}{}", t.head, std::mem::take(&mut self.pending)), &self.options);
        if !t.opened {
            return self.out.write_all(html.as_bytes());
        }
        // The table is open: what comes after its head, its body's opening left out (or, where
        // no row is left, the body closed before the table is).
        const HEAD_ENDS: &str = "</thead>\n";
        let after_head = html.find(HEAD_ENDS).map_or(html.len(), |h| h + HEAD_ENDS.len());
        match html[after_head..].strip_prefix(BODY_OPENS) {
            Some(rest) => self.out.write_all(rest.as_bytes()),
            None => {
                self.out.write_all(b"</tbody>\n")?;
                self.out.write_all(&html.as_bytes()[after_head..])
            }
        }
    }

    fn convert_text(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let html = convert(&self.pending, &self.options);
        self.pending.clear();
        self.out.write_all(html.as_bytes())
    }
}

impl Write for ToHtml<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(n) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..=n]);
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
            self.take(line)?;
            rest = &rest[n + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `markdown` as HTML. The zero-width spaces that break links and mentions stay entities: the
/// page holds no invisible character.
fn convert(markdown: &str, options: &comrak::Options<'_>) -> String {
    comrak::markdown_to_html(markdown, options).replace('\u{200b}', "&#8203;")
}

/// Whether `line` is a table's delimiter row: `|---|:--:|`, cells of dashes with optional colons.
fn is_delimiter_row(line: &str) -> bool {
    let line = line.trim();
    let Some(inner) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) else { return false };
    inner.split('|').all(|cell| {
        let cell = cell.trim().trim_start_matches(':').trim_end_matches(':');
        !cell.is_empty() && cell.bytes().all(|b| b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::{ToHtml, convert};

    /// Converted in batches of `bytes` (at least a row), written in pieces of `piece` bytes.
    fn batched(markdown: &str, bytes: usize, piece: usize) -> String {
        let mut out = Vec::new();
        let mut html = ToHtml::new(&mut out, bytes);
        for chunk in markdown.as_bytes().chunks(piece) {
            html.write_all(chunk).unwrap();
        }
        html.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_document_converted_as_it_comes_is_the_one_converted_whole() {
        let rows: String = (0..7).map(|i| format!("| a{i} | `x{i}` \\| **b** |\n")).collect();
        let documents = [
            format!("# Title\n\n- one\n- two\n\n| Area | Note |\n|---|---|\n{rows}\nAfter.\n"),
            format!("| Area | Note |\n|---|:--:|\n{rows}"),
            format!(
                "Text\n\n| Only | Head |\n|---|---|\n\n## Next\n\n| A | B |\n|---|---|\n{rows}\n| A | B |\n|---|---|\n| 1 | 2 |\n"
            ),
            "| not a table\nbut a paragraph\n\n|still| not\n".to_string(),
            // A head and a delimiter row of different widths: no table, but text.
            format!("| A | B |\n|---|\n{rows}\nAfter.\n"),
            // A line of a no-break space is no blank line: a row of the table.
            format!("| A | B |\n|---|---|\n{rows}\u{a0}\n| z | y |\n"),
            // Lines after the rows that do not start as rows: a row, a heading, a list.
            format!("| A | B |\n|---|---|\n{rows}plain\n| z | y |\n\nAfter.\n"),
            format!("| A | B |\n|---|---|\n{rows}# Heading\ntext\n\n| C | D |\n|---|---|\n{rows}"),
            format!("| A | B |\n|---|---|\n{rows}- item\n- item\n"),
            format!("| A | B |\n|---|---|\n| 1 | 2 |\n\n| A | B |\n|---|---|\n{rows}> quote\n"),
            "Ünïcode ✓ and a zero-width\u{200b}space\n\n| ✓ | x |\n|---|---|\n| ✓ | ✓ |\n".to_string(),
            String::new(),
        ];
        for doc in &documents {
            let whole = convert(doc, &ToHtml::new(&mut Vec::new(), 1).options);
            for (bytes, piece) in [(1, 1), (30, 3), (60, 1000), (100_000, 7)] {
                assert_eq!(batched(doc, bytes, piece), whole, "{doc:?} in batches of {bytes} bytes, pieces of {piece}");
            }
        }
    }
}
