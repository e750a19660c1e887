//! The PDF's logical structure, for screen readers: while the layout draws, every piece
//! of content is marked with an MCID and recorded under the structure element it
//! belongs to (`H1`, `H2`, `H3`, `P`, `Table`/`TR`/`TH`/`TD`, `Figure` with its
//! alternative text, `TOC`/`TOCI`, `Sect`), and decoration is marked `/Artifact`.
//! printpdf draws marked content but writes no structure tree, so once it has saved
//! the pages the tree is added with lopdf (the PDF library printpdf itself writes
//! with): `StructTreeRoot`, the parent tree, each page's `StructParents`, and the
//! catalog's `MarkInfo`, `Lang` (en-GB) and `DisplayDocTitle`.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use printpdf::DictItem;

/// How what is drawn now is marked.
pub(super) enum Mark {
    /// Decoration: not read out.
    Artifact,
    /// Content of the current element: its marked-content id on this page and the
    /// element's role, which names the marked-content sequence.
    Content { mcid: i64, role: &'static str },
}

enum Kid {
    Elem(usize),
    Mcid { page: usize, mcid: i64 },
}

struct Elem {
    role: &'static str,
    parent: Option<usize>,
    kids: Vec<Kid>,
    /// A figure's alternative text.
    alt: Option<String>,
    /// A header cell's scope: `Column` or `Row`.
    scope: Option<&'static str>,
    /// How many columns a cell spans, where more than one.
    span: Option<usize>,
}

/// The structure tree under construction.
pub(super) struct Tags {
    elems: Vec<Elem>,
    /// The open elements, innermost last; the document is always open.
    open: Vec<usize>,
    /// The next MCID of each page.
    next_mcid: Vec<i64>,
    /// Whether everything drawn now is an artifact (running header and footer,
    /// repeated table headers).
    artifact: bool,
}

impl Tags {
    pub(super) fn new() -> Tags {
        Tags {
            elems: vec![Elem {
                role: "Document",
                parent: None,
                kids: Vec::new(),
                alt: None,
                scope: None,
                span: None,
            }],
            open: vec![0],
            next_mcid: Vec::new(),
            artifact: false,
        }
    }

    fn current(&self) -> usize {
        *self.open.last().expect("the document is always open")
    }

    fn push(
        &mut self,
        role: &'static str,
        scope: Option<&'static str>,
        alt: Option<String>,
        at: Option<usize>,
    ) {
        let parent = self.current();
        let i = self.elems.len();
        self.elems.push(Elem {
            role,
            parent: Some(parent),
            kids: Vec::new(),
            alt,
            scope,
            span: None,
        });
        let kids = &mut self.elems[parent].kids;
        match at {
            Some(k) => kids.insert(k.min(kids.len()), Kid::Elem(i)),
            None => kids.push(Kid::Elem(i)),
        }
        self.open.push(i);
    }

    /// Open an element as the last child of the open one.
    pub(super) fn open(&mut self, role: &'static str) {
        self.push(role, None, None, None);
    }

    /// Open a table cell; a header cell says whether it heads a column or a row.
    pub(super) fn open_cell(&mut self, role: &'static str, scope: Option<&'static str>) {
        self.push(role, scope, None, None);
    }

    /// Open a row header cell that spans `columns` columns: the heading of a group of
    /// rows.
    pub(super) fn open_spanning_header(&mut self, columns: usize) {
        self.push("TH", Some("Row"), None, None);
        let open = self.current();
        self.elems[open].span = Some(columns);
    }

    /// Open a figure: what is drawn inside it, lines and shapes too, is its content,
    /// read as `alt`.
    pub(super) fn open_figure(&mut self, alt: &str) {
        self.push("Figure", None, Some(alt.to_string()), None);
    }

    /// Where the open element's next child would go, for [`Tags::open_at`].
    pub(super) fn slot(&self) -> usize {
        self.elems[self.current()].kids.len()
    }

    /// Open an element at an earlier slot of the open one: drawn later, read there.
    pub(super) fn open_at(&mut self, role: &'static str, slot: usize) {
        self.push(role, None, None, Some(slot));
    }

    pub(super) fn close(&mut self) {
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    /// Mark everything from now on as an artifact, or stop; returns the old setting.
    pub(super) fn set_artifact(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.artifact, on)
    }

    /// Whether what is drawn now is an artifact (and so opens no element).
    pub(super) fn in_artifact(&self) -> bool {
        self.artifact
    }

    /// How to mark what is drawn next on `page`: text is content of the open element;
    /// a line or shape (`decoration`) is content only inside a figure.
    pub(super) fn mark(&mut self, page: usize, decoration: bool) -> Mark {
        let in_figure = self.open.iter().any(|&i| self.elems[i].role == "Figure");
        if self.artifact || (decoration && !in_figure) {
            return Mark::Artifact;
        }
        if self.next_mcid.len() <= page {
            self.next_mcid.resize(page + 1, 0);
        }
        let mcid = self.next_mcid[page];
        self.next_mcid[page] += 1;
        let cur = self.current();
        self.elems[cur].kids.push(Kid::Mcid { page, mcid });
        Mark::Content {
            mcid,
            role: self.elems[cur].role,
        }
    }

    /// The saved PDF with the structure tree added, and what PDF/UA-1 asks of the
    /// document around it: the XMP metadata that claims it (`pdfuaid:part` 1, with the
    /// title), bookmarks shown on opening, PDF 1.7, and none of the empty PDF/X keys
    /// printpdf writes (a claim of a standard the file does not meet).
    pub(super) fn write_into(&self, pdf: &[u8], meta: &Xmp) -> Result<Vec<u8>, String> {
        let err = |e: lopdf::Error| e.to_string();
        let mut doc = lopdf::Document::load_mem(pdf).map_err(err)?;
        doc.version = "1.7".into();
        if let Ok(info) = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_object_mut(id))
            .and_then(Object::as_dict_mut)
        {
            for key in [
                &b"GTS_PDFXVersion"[..],
                b"GTS_PDFXConformance",
                b"Identifier",
            ] {
                info.remove(key);
            }
        }
        let mut xmp = lopdf::Stream::new(
            Dictionary::from_iter([("Type", name("Metadata")), ("Subtype", name("XML"))]),
            meta.packet().into_bytes(),
        );
        // (read as it is: a metadata stream stays uncompressed)
        xmp.allows_compression = false;
        let metadata = doc.add_object(Object::Stream(xmp));
        let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
        let ids: Vec<ObjectId> = self.elems.iter().map(|_| doc.new_object_id()).collect();
        let root = doc.new_object_id();
        let parent_tree = doc.new_object_id();
        // for each page, the element that owns each MCID
        let mut owners: BTreeMap<usize, Vec<Object>> = BTreeMap::new();
        for (i, e) in self.elems.iter().enumerate() {
            let mut kids = Vec::new();
            for k in &e.kids {
                match *k {
                    Kid::Elem(j) => kids.push(Object::Reference(ids[j])),
                    Kid::Mcid { page, mcid } => {
                        let page_id = *pages.get(page).ok_or("a page beyond the last")?;
                        let mut mcr = Dictionary::new();
                        mcr.set("Type", name("MCR"));
                        mcr.set("Pg", Object::Reference(page_id));
                        mcr.set("MCID", Object::Integer(mcid));
                        kids.push(Object::Dictionary(mcr));
                        let list = owners.entry(page).or_default();
                        let at = usize::try_from(mcid).map_err(|e| e.to_string())?;
                        if list.len() <= at {
                            list.resize(at + 1, Object::Null);
                        }
                        list[at] = Object::Reference(ids[i]);
                    }
                }
            }
            let mut d = Dictionary::new();
            d.set("Type", name("StructElem"));
            d.set("S", name(e.role));
            d.set("P", Object::Reference(e.parent.map_or(root, |p| ids[p])));
            d.set("K", Object::Array(kids));
            if let Some(alt) = &e.alt {
                d.set("Alt", text_string(alt));
            }
            if let Some(scope) = e.scope {
                let mut a = Dictionary::new();
                a.set("O", name("Table"));
                a.set("Scope", name(scope));
                if let Some(n) = e.span {
                    a.set("ColSpan", Object::Integer(n as i64));
                }
                d.set("A", Object::Dictionary(a));
            }
            doc.objects.insert(ids[i], Object::Dictionary(d));
        }
        let mut nums = Vec::new();
        for (page, list) in owners {
            nums.push(Object::Integer(page as i64));
            nums.push(Object::Array(list));
        }
        let mut tree = Dictionary::new();
        tree.set("Nums", Object::Array(nums));
        doc.objects.insert(parent_tree, Object::Dictionary(tree));
        let mut r = Dictionary::new();
        r.set("Type", name("StructTreeRoot"));
        r.set("K", Object::Reference(ids[0]));
        r.set("ParentTree", Object::Reference(parent_tree));
        r.set("ParentTreeNextKey", Object::Integer(pages.len() as i64));
        doc.objects.insert(root, Object::Dictionary(r));
        for (n, id) in pages.iter().enumerate() {
            let page = doc
                .get_object_mut(*id)
                .and_then(Object::as_dict_mut)
                .map_err(err)?;
            page.set("StructParents", Object::Integer(n as i64));
            // tab through the page in structure order
            page.set("Tabs", name("S"));
        }
        let catalog = doc.catalog_mut().map_err(err)?;
        catalog.set("StructTreeRoot", Object::Reference(root));
        let mut mark_info = Dictionary::new();
        mark_info.set("Marked", Object::Boolean(true));
        catalog.set("MarkInfo", Object::Dictionary(mark_info));
        catalog.set("Lang", text_string("en-GB"));
        let mut prefs = Dictionary::new();
        prefs.set("DisplayDocTitle", Object::Boolean(true));
        catalog.set("ViewerPreferences", Object::Dictionary(prefs));
        // a name, as the specification has it: a string is ignored by viewers
        catalog.set("PageMode", name("UseOutlines"));
        catalog.set("Metadata", Object::Reference(metadata));
        super::subset::subset_fonts(&mut doc)?;
        let mut out = Vec::new();
        doc.save_to(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// The document's metadata as XMP (ISO 16684-1): what its Info dictionary says, and
/// the PDF/UA-1 identification.
pub(crate) struct Xmp {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: String,
    pub tool: String,
    /// `2026-10-15T00:00:00Z`: from the production date, never the clock.
    pub date: String,
}

impl Xmp {
    fn packet(&self) -> String {
        let e = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        format!(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
             <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
             <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
             <rdf:Description rdf:about=\"\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
             xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" \
             xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
             xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n\
             <dc:format>application/pdf</dc:format>\n\
             <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
             <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
             <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>\n\
             <dc:language><rdf:Bag><rdf:li>en-GB</rdf:li></rdf:Bag></dc:language>\n\
             <pdf:Producer>{tool}</pdf:Producer>\n\
             <pdf:Keywords>{keywords}</pdf:Keywords>\n\
             <xmp:CreatorTool>{tool}</xmp:CreatorTool>\n\
             <xmp:CreateDate>{date}</xmp:CreateDate>\n\
             <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
             <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
             <pdfuaid:part>1</pdfuaid:part>\n\
             </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
            title = e(&self.title),
            author = e(&self.author),
            subject = e(&self.subject),
            keywords = e(&self.keywords),
            tool = e(&self.tool),
            date = self.date,
        )
    }
}

/// The property list of a marked-content sequence: `<< /MCID n >>`.
pub(super) fn mcid_properties(mcid: i64) -> DictItem {
    DictItem::Dict {
        map: BTreeMap::from([("MCID".to_string(), DictItem::Int(mcid))]),
    }
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

/// A PDF text string: plain for ASCII, UTF-16BE with its byte-order mark otherwise.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            bytes.extend(u.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}
