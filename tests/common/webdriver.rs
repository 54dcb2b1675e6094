//! A small W3C WebDriver client for Debian's chromedriver, over plain HTTP.
//!
//! Chosen over a DevTools client or fantoccini: chromedriver ships with
//! Debian's chromium-driver package, and the handful of commands the tests
//! need (open a page, find, click, run a script, read the console) are
//! plain JSON requests, so no async runtime or browser download is involved.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

/// Finds Chromium and chromedriver, or says why the test skips. With
/// DOSSIER_E2E set (as in CI), a missing browser fails the test instead.
pub fn find() -> Option<(PathBuf, PathBuf)> {
    let browser = [
        std::env::var_os("CHROMIUM_PATH").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_file());
    let driver = [
        std::env::var_os("CHROMEDRIVER_PATH").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromedriver")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_file());
    match (browser, driver) {
        (Some(b), Some(d)) => Some((b, d)),
        _ => {
            let reason =
                "Chromium or chromedriver not found (apt-get install chromium chromium-driver)";
            assert!(
                std::env::var_os("DOSSIER_E2E").is_none(),
                "DOSSIER_E2E is set but {reason}"
            );
            eprintln!("skipped: {reason}");
            None
        }
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    pub fn start(browser: &Path, driver: &Path, width: u32, height: u32) -> Browser {
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        // The machine's network is closed: these flags stop Chromium from
        // trying to reach Google's services at every start.
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            // Any request to another host fails, so it shows as an error.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": browser, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let mut b = Browser {
            driver: child,
            base,
            session: String::new(),
            agent,
            _profile: profile,
        };
        let v = b.post("/session", caps);
        b.session = v["value"]["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string().as_str()),
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let text = response.body_mut().read_to_string().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let Some(err) = v["value"].get("error") {
            panic!("{method} {path}: {err}: {}", v["value"]["message"]);
        }
        v
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call("POST", path, Some(body))
    }

    fn at(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub fn goto(&self, url: &str) {
        self.post(&self.at("/url"), json!({"url": url}));
    }

    pub fn url(&self) -> String {
        self.call("GET", &self.at("/url"), None)["value"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Runs `script` (a function body) with `args`, returning its result.
    pub fn run(&self, script: &str, args: Value) -> Value {
        self.post(
            &self.at("/execute/sync"),
            json!({"script": script, "args": args}),
        )["value"]
            .clone()
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.post(
            &self.at("/element"),
            json!({"using": "css selector", "value": css}),
        );
        v["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|id| id.as_str())
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn click(&self, element: &str) {
        self.post(&self.at(&format!("/element/{element}/click")), json!({}));
    }

    pub fn type_into(&self, element: &str, text: &str) {
        self.post(
            &self.at(&format!("/element/{element}/value")),
            json!({"text": text}),
        );
    }

    /// Runs an asynchronous script; it reports by calling `arguments[arguments.length - 1]`.
    pub fn run_async(&self, script: &str, args: Value) -> Value {
        self.post(
            &self.at("/execute/async"),
            json!({"script": script, "args": args}),
        )["value"]
            .clone()
    }

    /// Sends a DevTools command (e.g. to emulate dark mode).
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.post(
            &self.at("/goog/cdp/execute"),
            json!({"cmd": cmd, "params": params}),
        )["value"]
            .clone()
    }

    /// Loads `url` and waits until it has loaded, then returns what went
    /// wrong: console errors, failed requests, and requests to other hosts.
    pub fn load_and_check(&self, url: &str) -> Vec<String> {
        self.console(); // forget the previous page's messages
        self.goto(url);
        self.wait_for("return document.readyState === 'complete'", url);
        let mut problems: Vec<String> = self
            .console()
            .into_iter()
            .filter(|(level, _)| level == "SEVERE")
            .map(|(_, message)| format!("{url}: console error: {message}"))
            .collect();
        let resources = self.run(
            "return performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus || 0])",
            json!([]),
        );
        for r in resources.as_array().into_iter().flatten() {
            let name = r[0].as_str().unwrap_or("");
            let status = r[1].as_u64().unwrap_or(0);
            if !(name.starts_with("file://") || name.starts_with("http://127.0.0.1")) {
                problems.push(format!("{url}: request to another host: {name}"));
            } else if status >= 400 {
                problems.push(format!("{url}: HTTP {status} for {name}"));
            }
        }
        problems
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &Path) {
        let v = self.call("GET", &self.at("/screenshot"), None);
        let png = base64_decode(v["value"].as_str().expect("a screenshot"));
        std::fs::write(path, png).unwrap();
    }

    /// Types `keys` (WebDriver key codes, e.g. "\u{E004}" for Tab) into the
    /// page, wherever the focus is.
    pub fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                let k = c.to_string();
                [
                    json!({"type": "keyDown", "value": k}),
                    json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        self.post(
            &self.at("/actions"),
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// Waits until `script` returns true.
    pub fn wait_for(&self, script: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.run(script, json!([])) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The console messages logged since the last call (SEVERE ones are errors).
    pub fn console(&self) -> Vec<(String, String)> {
        let v = self.post(&self.at("/se/log"), json!({"type": "browser"}));
        v["value"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or("").to_string(),
                            e["message"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
    {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
