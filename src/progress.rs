//! What `run` shows on a terminal while it works: the phase it is in and how far
//! (datasets checked, statements run, recipients sent to). Nothing is shown when stderr
//! is not a terminal, nor under `serve`: logs only. Log lines written while the bar is
//! up go through [`LogWriter`], which lifts the bar for the line.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bar, while a run on a terminal shows one.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

fn with_bar(f: impl FnOnce(&ProgressBar)) {
    if let Ok(guard) = BAR.lock()
        && let Some(bar) = guard.as_ref()
    {
        f(bar);
    }
}

/// Show progress from now on, when stderr is a terminal.
pub fn show_on_terminal() {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.enable_steady_tick(Duration::from_millis(120));
    if let Ok(mut guard) = BAR.lock() {
        *guard = Some(bar);
    }
}

/// Start a phase: `steps` when its length is known (a bar), else a spinner with a count.
pub fn phase(name: &str, steps: Option<u64>) {
    with_bar(|bar| {
        let style = match steps {
            Some(_) => "{spinner} {prefix:.bold} [{bar:24}] {pos}/{len} {elapsed} {wide_msg}",
            None => "{spinner} {prefix:.bold} {pos} {elapsed} {wide_msg}",
        };
        bar.set_length(steps.unwrap_or(0));
        bar.set_position(0);
        bar.set_message(String::new());
        bar.set_prefix(name.to_string());
        bar.reset_elapsed();
        if let Ok(s) = ProgressStyle::with_template(style) {
            bar.set_style(s.progress_chars("=> "));
        }
        // each phase is drawn, however soon the next one follows (drawing is otherwise
        // limited to a few times a second)
        bar.force_draw();
    });
}

/// What the phase is doing now (a statement while it runs), until the next step.
pub fn now(doing: &str) {
    with_bar(|bar| bar.set_message(doing.to_string()));
}

/// One more step of the phase done, naming what it was.
pub fn step(done: &str) {
    with_bar(|bar| {
        bar.inc(1);
        bar.set_message(done.to_string());
    });
}

/// Take the bar off the screen (the run prints its outcome next).
pub fn finish() {
    if let Ok(mut guard) = BAR.lock()
        && let Some(bar) = guard.take()
    {
        bar.finish_and_clear();
    }
}

/// stderr for the log, lifting the bar while a line is written.
#[derive(Clone, Copy, Default)]
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut result = None;
        with_bar(|bar| result = Some(bar.suspend(|| std::io::stderr().write(buf))));
        result.unwrap_or_else(|| std::io::stderr().write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> LogWriter {
        LogWriter
    }
}
