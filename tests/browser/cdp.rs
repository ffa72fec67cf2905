//! A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe`: Chromium reads
//! commands from its fd 3 and writes replies and events to its fd 4, one JSON message per
//! NUL-terminated chunk. No port is opened, no websocket crate is needed, and every event
//! (console messages, exceptions, log entries, network requests) is kept for the test to
//! inspect.

use serde_json::{Value, json};
use std::fs::File;
use std::io::{self, PipeWriter, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::{Duration, Instant};

/// How long any single step may take before the test fails instead of hanging.
const STEP: Duration = Duration::from_secs(45);

/// A running headless Chromium with one page attached.
pub struct Browser {
    child: Child,
    to_browser: PipeWriter,
    from_browser: Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    /// Every event received so far (method, params, sessionId).
    pub events: Vec<Value>,
}

impl Browser {
    /// Start Chromium headless with a fresh profile in `profile`, its stderr in `log`.
    pub fn launch(exe: &Path, profile: &Path, log: &Path) -> io::Result<Browser> {
        let (child_reads, to_browser) = io::pipe()?;
        let (from_browser, child_writes) = io::pipe()?;
        let (r, w) = (child_reads.as_raw_fd(), child_writes.as_raw_fd());
        let mut cmd = Command::new(exe);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--mute-audio",
            "--hide-scrollbars",
            // Nothing may leave the machine even if the page tried: every host resolves to nothing.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--remote-debugging-pipe",
            "--window-size=1366,768",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(log)?);
        // SAFETY: only async-signal-safe calls (fcntl, dup2) between fork and exec. The pipe
        // ends are first copied above fd 10 so that dup2 onto 3 and 4 never hits itself
        // (which would keep close-on-exec set).
        unsafe {
            cmd.pre_exec(move || {
                let a = libc::fcntl(r, libc::F_DUPFD_CLOEXEC, 10);
                let b = libc::fcntl(w, libc::F_DUPFD_CLOEXEC, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        drop(child_reads);
        drop(child_writes);
        let (tx, rx) = channel();
        thread::spawn(move || {
            let mut reader = from_browser;
            let mut buf = Vec::new();
            let mut chunk = [0u8; 64 * 1024];
            loop {
                let n = match reader.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                while let Some(end) = buf.iter().position(|b| *b == 0) {
                    let msg: Vec<u8> = buf.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&msg[..msg.len() - 1])
                        && tx.send(v).is_err()
                    {
                        return;
                    }
                }
            }
        });
        Ok(Browser {
            child,
            to_browser,
            from_browser: rx,
            next_id: 0,
            session: None,
            events: Vec::new(),
        })
    }

    fn recv(&mut self, deadline: Instant) -> Result<Value, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.from_browser.recv_timeout(left) {
            Ok(v) => Ok(v),
            Err(RecvTimeoutError::Timeout) => Err("Chromium did not answer in time".into()),
            Err(RecvTimeoutError::Disconnected) => {
                Err("Chromium closed the DevTools pipe (crashed or exited)".into())
            }
        }
    }

    /// Send a command (to the attached page unless `browser_level`) and wait for its result;
    /// events that arrive meanwhile are kept in [`Browser::events`].
    fn call(&mut self, method: &str, params: Value, browser_level: bool) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if !browser_level && let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).map_err(|e| e.to_string())?;
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .map_err(|e| format!("cannot write to Chromium: {e}"))?;
        let deadline = Instant::now() + STEP;
        loop {
            let v = self.recv(deadline).map_err(|e| format!("{method}: {e}"))?;
            if v.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(err) = v.get("error") {
                    return Err(format!("{method} failed: {err}"));
                }
                return Ok(v.get("result").cloned().unwrap_or(Value::Null));
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    /// A command to the page.
    pub fn page(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.call(method, params, false)
    }

    /// Open a blank page, attach to it and turn on the domains whose events the test reads.
    pub fn open_page(&mut self, width: u32, height: u32) -> Result<(), String> {
        let target = self.call("Target.createTarget", json!({ "url": "about:blank" }), true)?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or("no targetId")?
            .to_string();
        let att = self.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
            true,
        )?;
        self.session = Some(att["sessionId"].as_str().ok_or("no sessionId")?.to_string());
        for domain in [
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
            "Page.enable",
        ] {
            self.page(domain, json!({}))?;
        }
        self.page(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )?;
        Ok(())
    }

    /// Navigate and wait for the load event.
    pub fn navigate(&mut self, url: &str) -> Result<(), String> {
        let start = self.events.len();
        let r = self.page("Page.navigate", json!({ "url": url }))?;
        if let Some(e) = r.get("errorText").and_then(Value::as_str) {
            return Err(format!("cannot open {url}: {e}"));
        }
        let deadline = Instant::now() + STEP;
        while !self.events[start..]
            .iter()
            .any(|e| e["method"] == "Page.loadEventFired")
        {
            let v = self
                .recv(deadline)
                .map_err(|e| format!("waiting for {url} to load: {e}"))?;
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
        Ok(())
    }

    /// Evaluate a JavaScript expression in the page and return its value.
    pub fn eval(&mut self, expr: &str) -> Result<Value, String> {
        let r = self.page(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(ex) = r.get("exceptionDetails") {
            return Err(format!("script failed: {ex}"));
        }
        Ok(r["result"]["value"].clone())
    }

    /// A PNG of the viewport, or of the whole page when `full`.
    pub fn screenshot(&mut self, full: bool) -> Result<Vec<u8>, String> {
        use base64::Engine;
        let mut params = json!({ "format": "png" });
        if full {
            let m = self.page("Page.getLayoutMetrics", json!({}))?;
            let size = &m["cssContentSize"];
            params["captureBeyondViewport"] = json!(true);
            params["clip"] = json!({
                "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1
            });
        }
        let r = self.page("Page.captureScreenshot", params)?;
        let data = r["data"].as_str().ok_or("no screenshot data")?;
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| e.to_string())
    }

    /// Console messages at level error (console.error, uncaught exceptions, browser log
    /// errors such as a failed resource load).
    pub fn errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.events {
            let p = &e["params"];
            match e["method"].as_str() {
                Some("Runtime.consoleAPICalled")
                    if matches!(p["type"].as_str(), Some("error" | "assert" | "warning")) =>
                {
                    out.push(format!(
                        "console.{}: {}",
                        p["type"].as_str().unwrap_or(""),
                        p["args"]
                    ));
                }
                Some("Runtime.exceptionThrown") => {
                    out.push(format!("exception: {}", p["exceptionDetails"]))
                }
                Some("Log.entryAdded") if p["entry"]["level"] == "error" => {
                    out.push(format!("log: {} {}", p["entry"]["text"], p["entry"]["url"]));
                }
                _ => {}
            }
        }
        out
    }

    /// URLs of every request the page made (the document itself included).
    pub fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }

    /// The full `Network.requestWillBeSent` events (initiator, type, …).
    pub fn request_events(&self) -> Vec<&Value> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .collect()
    }

    /// Forget the events seen so far (before loading the next page).
    pub fn clear_events(&mut self) {
        self.events.clear();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.call("Browser.close", json!({}), true);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
