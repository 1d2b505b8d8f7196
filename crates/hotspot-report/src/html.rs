//! The self-contained `report.html`: blocks (headings, paragraphs, tables,
//! figures with inline SVG) written with inline CSS, no scripts, no external
//! URL, laid out for the screen and for A4 print.

/// One piece of the report.
#[derive(Clone, Debug)]
pub enum Block {
    /// Section heading (`h2`) with an anchor id.
    Heading(String, String),
    /// Sub-heading (`h3`).
    Sub(String),
    /// Paragraph (plain text, escaped).
    Para(String),
    /// Highlighted note (public mode, missing analyses).
    Note(String),
    /// Key figures: label, value.
    Figures(Vec<(String, String)>),
    /// Table: header, rows; numeric columns right-aligned when `numeric[i]`.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
    },
    /// Figure: inline SVG document and caption.
    Figure { svg: String, caption: String },
    /// Bulleted list.
    List(Vec<String>),
    /// A paragraph holding one link to a file of the report (`href` relative, both escaped).
    Link { href: String, text: String },
    /// Numbered list (1., 2., ... drawn by the browser).
    Numbered(Vec<String>),
    /// A figure the printed board document keeps (the maps a decision needs); a plain
    /// [`Block::Figure`] is shown on screen and left out of print (the evidence).
    BoardFigure { svg: String, caption: String },
    /// A note shown only in print (e.g. where the figures left out of print are).
    PrintNote(String),
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

/// Marks text taken from the input (place, school and category names, the source, the title) in
/// the written document as given: each occurrence of one of `given` in the text between tags,
/// outside `<head>` and inline SVG, is wrapped in `<span class="given" lang="{given_lang}">`
/// (set in italics, as foreign words are in English text). Longest names first; a match must
/// not continue a word on either side. Attributes, tags and the figures' SVG are left as they
/// are (the maps show the names as given, unmarked). Used for the English report, whose
/// generated text is English while the names stay as the user wrote them (usually Swedish).
pub fn mark_given(html: &str, given: &[String], given_lang: &str) -> String {
    let mut names: Vec<String> = given
        .iter()
        .map(|g| esc(g.trim()))
        .filter(|g| g.chars().count() >= 2)
        .collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    names.dedup();
    if names.is_empty() {
        return html.to_string();
    }
    let body_start = html.find("<body>").map(|i| i + "<body>".len()).unwrap_or(0);
    let mut out = String::with_capacity(html.len() + html.len() / 20);
    out.push_str(&html[..body_start]);
    let rest = &html[body_start..];
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let open = format!("<span class=\"given\" lang=\"{}\">", esc(given_lang));
    let mut i = 0;
    let mut in_svg = 0usize;
    while i < rest.len() {
        let tail = &rest[i..];
        if tail.starts_with('<') {
            let end = tail.find('>').map(|e| e + 1).unwrap_or(tail.len());
            let tag = &tail[..end];
            if tag.starts_with("<svg") {
                in_svg += 1;
            } else if tag.starts_with("</svg") {
                in_svg = in_svg.saturating_sub(1);
            }
            out.push_str(tag);
            i += end;
            continue;
        }
        let c = tail.chars().next().unwrap_or(' ');
        if in_svg == 0 && !word(out.chars().next_back()) {
            if let Some(n) = names
                .iter()
                .find(|n| tail.starts_with(n.as_str()) && !word(tail[n.len()..].chars().next()))
            {
                out.push_str(&open);
                out.push_str(n);
                out.push_str("</span>");
                i += n.len();
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Makes a plotters SVG document embeddable: drops the XML namespace URL
/// (not needed inside HTML5) and fixed size, keeping the viewBox so it scales, with its aspect
/// ratio as a style so that a figure made smaller in print keeps its shape (the box is not
/// wider than the drawing; a map's data past its frame would show at the sides).
pub fn inline_svg(svg: &str, label: &str) -> String {
    let Some(start) = svg.find("<svg") else {
        return String::new();
    };
    let Some(end) = svg[start..].find('>') else {
        return String::new();
    };
    let tag = &svg[start..start + end];
    let attr = |name: &str| -> Option<&str> {
        let k = format!("{name}=\"");
        let i = tag.find(&k)? + k.len();
        let j = tag[i..].find('"')?;
        Some(&tag[i..i + j])
    };
    let w = attr("width").unwrap_or("100");
    let h = attr("height").unwrap_or("100");
    format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" style=\"aspect-ratio: {w} / {h}\" preserveAspectRatio=\"xMidYMid meet\">{}",
        esc(label),
        &svg[start + end + 1..]
    )
}

const CSS: &str = r#"
:root { --ink:#1a1a1a; --muted:#5a5a5a; --rule:#d0d0d0; --accent:#542788; --note:#fff4d6; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.45; font-size: 15px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.3rem; }
.sub { color: var(--muted); margin: 0 0 .6rem 0; }
.mode { display: inline-block; padding: .1rem .5rem; border-radius: .3rem; font-size: .85rem;
        background: var(--accent); color: white; }
.note { background: var(--note); border-left: 4px solid #e6a700; padding: .5rem .8rem; margin: .8rem 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.figures div { border: 1px solid var(--rule); border-radius: .4rem; padding: .5rem .7rem; }
.figures b { display: block; font-size: 1.35rem; }
.figures span { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
nav ol { columns: 2; font-size: .9rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--rule); padding-top: .5rem; }
figure svg { max-width: 855px; }
ul.files { font-size: .8rem; columns: 2; }
ol.answer li { margin: .25rem 0; font-weight: 500; }
.given { font-style: italic; }
@page { size: A4; margin: 15mm 14mm; }
.print-only { display: none; }
@media print {
  .screen-only { display: none; }
  .figures { grid-template-columns: repeat(4, 1fr); gap: .4rem; margin: .5rem 0; }
  .figures div { padding: .3rem .5rem; }
  .figures b { font-size: 12pt; }
  td:first-child { white-space: nowrap; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  /* The board document: the answer, the key maps and the tables; the other figures are
     the evidence, on screen and in maps/ (one print note says so). */
  .print-only { display: block; }
  figure.evidence { display: none; }
  .keep { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 8.5pt; margin: .3rem 0 .6rem 0; }
  th, td { padding: .1rem .35rem; }
  p { margin: .35rem 0; }
  ul, ol { margin: .3rem 0; }
  header { margin-bottom: .5rem; }
  /* A footnote under a table ("* Skadevärde: ...") stays with it. */
  table + p { break-before: avoid; page-break-before: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  h2 { margin-top: 1.2rem; }
  figure, table, .figures, .note, li { break-inside: avoid; page-break-inside: avoid; }
  figcaption { break-before: avoid; }
  nav { display: none; }
  figure { margin: .4rem 0; }
  figure svg { border: none; max-height: 100mm; }
  figcaption { font-size: 8pt; margin-top: .1rem; }
  #files { break-before: auto; }
  ul.files { font-size: 6.5pt; columns: 3; line-height: 1.25; }
  ul.files li { break-inside: avoid; }
  figure.board svg { max-height: 92mm; }
  /* Made smaller by max-height, a figure shrinks to its own shape, centred. */
  figure svg { width: auto; height: auto; max-width: 100%; margin: 0 auto; display: block; }
}
"#;

/// Whether `blocks[i]` is a heading whose section (up to the next heading of
/// its level or higher) holds only evidence figures (and sub-headings, for a
/// section heading): left out of print with them.
fn screen_only_heading(blocks: &[Block], i: usize) -> bool {
    let h2 = match blocks.get(i) {
        Some(Block::Heading(..)) => true,
        Some(Block::Sub(_)) => false,
        _ => return false,
    };
    let mut any = false;
    for b in &blocks[i + 1..] {
        match b {
            Block::Heading(..) => break,
            Block::Sub(_) if !h2 => break,
            Block::Sub(_) => {}
            Block::Figure { .. } => any = true,
            _ => return false,
        }
    }
    any
}

/// Writes the document.
pub fn document(
    lang: &str,
    title: &str,
    subtitle: &str,
    mode: &str,
    toc_title: &str,
    blocks: &[Block],
    footer: &str,
) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n<p><span class=\"mode\">{}</span></p>\n</header>\n",
        esc(title),
        esc(title),
        esc(subtitle),
        esc(mode)
    ));
    let toc: Vec<(&str, &str)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(id, t) => Some((id.as_str(), t.as_str())),
            _ => None,
        })
        .collect();
    if !toc.is_empty() {
        o.push_str(&format!("<nav><b>{}</b><ol>\n", esc(toc_title)));
        for (id, t) in toc {
            o.push_str(&format!("<li><a href=\"#{id}\">{}</a></li>\n", esc(t)));
        }
        o.push_str("</ol></nav>\n");
    }
    // The file list (after the `files` heading) is set small, as an appendix.
    let mut in_files = false;
    // A heading is kept with the block after it (no heading alone at a page bottom).
    let mut keep_open = false;
    for (i, b) in blocks.iter().enumerate() {
        let heading = matches!(b, Block::Heading(..) | Block::Sub(_));
        // Evidence figures are left out of print: so is a heading over nothing else.
        let hide = if screen_only_heading(blocks, i) {
            " class=\"screen-only\""
        } else {
            ""
        };
        if keep_open && matches!(b, Block::Heading(..)) {
            // A section heading starts a keep block of its own.
            o.push_str("</div>\n");
            keep_open = false;
        }
        if heading && !keep_open {
            o.push_str("<div class=\"keep\">\n");
            keep_open = true;
        }
        match b {
            Block::Heading(id, t) => {
                in_files = id == "files";
                o.push_str(&format!("<h2 id=\"{id}\"{hide}>{}</h2>\n", esc(t)))
            }
            Block::Sub(t) => o.push_str(&format!("<h3{hide}>{}</h3>\n", esc(t))),
            Block::Para(t) => o.push_str(&format!("<p>{}</p>\n", esc(t))),
            Block::Note(t) => o.push_str(&format!("<p class=\"note\">{}</p>\n", esc(t))),
            Block::Figures(f) => {
                o.push_str("<div class=\"figures\">\n");
                for (label, value) in f {
                    o.push_str(&format!(
                        "<div><b>{}</b><span>{}</span></div>\n",
                        esc(value),
                        esc(label)
                    ));
                }
                o.push_str("</div>\n");
            }
            Block::Table {
                head,
                rows,
                numeric,
            } => {
                let cls = |i: usize| {
                    if numeric.get(i).copied().unwrap_or(false) {
                        " class=\"n\""
                    } else {
                        ""
                    }
                };
                o.push_str("<table>\n<thead><tr>");
                for (i, h) in head.iter().enumerate() {
                    o.push_str(&format!("<th{}>{}</th>", cls(i), esc(h)));
                }
                o.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    o.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        o.push_str(&format!("<td{}>{}</td>", cls(i), esc(c)));
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody>\n</table>\n");
            }
            Block::Figure { svg, caption } | Block::BoardFigure { svg, caption } => {
                let class = if matches!(b, Block::BoardFigure { .. }) {
                    "board"
                } else {
                    "evidence"
                };
                o.push_str(&format!("<figure class=\"{class}\">\n"));
                o.push_str(&inline_svg(svg, caption));
                o.push_str(&format!(
                    "\n<figcaption>{}</figcaption>\n</figure>\n",
                    esc(caption)
                ));
            }
            Block::Numbered(items) => {
                o.push_str("<ol class=\"answer\">\n");
                for i in items {
                    o.push_str(&format!("<li>{}</li>\n", esc(i)));
                }
                o.push_str("</ol>\n");
            }
            Block::List(items) => {
                o.push_str(if in_files {
                    "<ul class=\"files\">\n"
                } else {
                    "<ul>\n"
                });
                for i in items {
                    o.push_str(&format!("<li>{}</li>\n", esc(i)));
                }
                o.push_str("</ul>\n");
            }
            Block::Link { href, text } => {
                o.push_str(&format!(
                    "<p class=\"maplink\"><a href=\"{}\">{}</a></p>\n",
                    esc(href),
                    esc(text)
                ));
            }
            Block::PrintNote(t) => {
                o.push_str(&format!("<p class=\"print-only note\">{}</p>\n", esc(t)))
            }
        }
        if keep_open && !heading && !matches!(b, Block::Figure { .. }) {
            o.push_str("</div>\n");
            keep_open = false;
        }
    }
    if keep_open {
        o.push_str("</div>\n");
    }
    o.push_str(&format!(
        "<footer>{}</footer>\n</body>\n</html>\n",
        esc(footer)
    ));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_loses_namespace_url_and_keeps_its_view_box() {
        let s = "<svg width=\"300\" height=\"200\" viewBox=\"0 0 300 200\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let i = inline_svg(s, "a < b");
        assert!(!i.contains("http"));
        assert!(i.starts_with("<svg viewBox=\"0 0 300 200\" role=\"img\" aria-label=\"a &lt; b\""));
        assert!(i.ends_with("<rect/></svg>"));
        // Its shape goes with it, for print, where a figure is made smaller by its height.
        assert!(i.contains("style=\"aspect-ratio: 300 / 200\""));
        let d = document(
            "sv",
            "T & T",
            "s",
            "m",
            "toc",
            &[
                Block::Heading("a".into(), "A".into()),
                Block::Para("<x>".into()),
            ],
            "f",
        );
        assert!(d.contains("<h1>T &amp; T</h1>"));
        assert!(d.contains("<p>&lt;x&gt;</p>"));
        assert!(d.contains("href=\"#a\""));
    }

    #[test]
    fn names_given_are_marked_in_the_text_only_whole_and_longest_first() {
        let html = "<html><head><title>Torget</title></head><body><h1>Torget (fiktiv)</h1>\
                    <p title=\"Torget\">Torget; Torgets Torget (fiktiv) &amp; T&amp;B</p>\
                    <svg viewBox=\"0 0 1 1\"><text>Torget</text></svg><td>Torget</td></body></html>";
        let given = [
            "Torget".to_string(),
            "Torget (fiktiv)".into(),
            "T&B".into(),
            "x".into(),
        ];
        let m = mark_given(html, &given, "sv");
        let span = |s: &str| format!("<span class=\"given\" lang=\"sv\">{s}</span>");
        // The longer name wins; a name inside a longer word ("Torgets") is not a name.
        assert!(m.contains(&format!("<h1>{}</h1>", span("Torget (fiktiv)"))));
        assert!(m.contains(&format!(
            "{}; Torgets {} &amp; {}</p>",
            span("Torget"),
            span("Torget (fiktiv)"),
            span("T&amp;B")
        )));
        // Head, attributes and SVG text are left alone; a one-letter name is not marked.
        assert!(m.contains("<title>Torget</title>") && m.contains("title=\"Torget\""));
        assert!(m.contains("<text>Torget</text>"));
        assert!(m.contains(&format!("<td>{}</td>", span("Torget"))));
        assert_eq!(m.matches("class=\"given\"").count(), 5);
        assert_eq!(mark_given(html, &[], "sv"), html);
    }

    #[test]
    fn print_keeps_board_figures_and_headings_with_their_text() {
        let fig = |c: &str| Block::Figure {
            svg: "<svg width=\"1\" height=\"1\"></svg>".into(),
            caption: c.into(),
        };
        let blocks = [
            Block::Heading("map".into(), "Map".into()),
            fig("evidence 1"),
            Block::Sub("Time".into()),
            fig("evidence 2"),
            Block::Heading("patrol".into(), "Patrol".into()),
            Block::Sub("Zones".into()),
            fig("evidence 3"),
            Block::Para("text".into()),
            Block::BoardFigure {
                svg: "<svg width=\"1\" height=\"1\"></svg>".into(),
                caption: "board".into(),
            },
            Block::PrintNote("only in print".into()),
        ];
        // A section of evidence figures only is left out of print, heading and all.
        assert!(screen_only_heading(&blocks, 0));
        assert!(screen_only_heading(&blocks, 2));
        // A section with text keeps its heading; a sub-heading over a figure and text too.
        assert!(!screen_only_heading(&blocks, 4));
        assert!(!screen_only_heading(&blocks, 5));
        assert!(!screen_only_heading(&blocks, 7));
        let d = document("sv", "T", "s", "m", "toc", &blocks, "f");
        assert!(d.contains("<h2 id=\"map\" class=\"screen-only\">"));
        assert!(d.contains("<h2 id=\"patrol\">"));
        assert_eq!(d.matches("<figure class=\"evidence\">").count(), 3);
        assert_eq!(d.matches("<figure class=\"board\">").count(), 1);
        assert!(d.contains("<p class=\"print-only note\">only in print</p>"));
        // Each heading opens a keep block closed after the first printed block: the patrol
        // heading, its sub-heading, the evidence figure and the paragraph stay together.
        let k = d.find("<h2 id=\"patrol\">").unwrap();
        let before = &d[..k];
        assert!(before.trim_end().ends_with("<div class=\"keep\">"));
        let after = &d[k..];
        let close = after.find("</div>").unwrap();
        assert!(after[..close].contains("<p>text</p>"));
        assert!(!after[..close].contains("board"));
        assert_eq!(
            d.matches("<div class=\"keep\">").count(),
            d.matches("</div>\n").count() - d.matches("<div><b>").count()
        );
    }
}
