//! A mail server for tests: it speaks enough SMTP (RFC 5321: greeting, EHLO/HELO, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT) for a real client to hand it a message, and keeps every message it
//! receives, so a test reads the mail the origin sent as a shopper's mail server would get it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// A message as received: the envelope's recipients and the data (headers and body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub data: String,
}

impl ReceivedMail {
    /// The message's body as its reader sees it: decoded from quoted-printable or base64 as its
    /// `Content-Transfer-Encoding` says (soft line breaks joined), as UTF-8.
    pub fn text(&self) -> String {
        let (headers, body) = self.data.split_once("\n\n").unwrap_or((&self.data, ""));
        let encoding = headers
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-transfer-encoding")
                    .then(|| value.trim().to_ascii_lowercase())
            })
            .unwrap_or_default();
        let bytes = match encoding.as_str() {
            "quoted-printable" => quoted_printable(body),
            "base64" => base64(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// RFC 2045 6.7: `=XX` is a byte, `=` at a line's end joins it to the next.
fn quoted_printable(body: &str) -> Vec<u8> {
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex =
            bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// RFC 4648 base64 (the standard alphabet), line breaks ignored.
fn base64(body: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextets: Vec<u8> =
        body.bytes().filter_map(|c| ALPHABET.iter().position(|&a| a == c).map(|p| p as u8)).collect();
    sextets
        .chunks(4)
        .flat_map(|chunk| {
            let word =
                chunk.iter().enumerate().fold(0u32, |word, (i, &s)| word | (u32::from(s) << (18 - 6 * i)));
            let bytes = word.to_be_bytes();
            bytes[1..chunk.len()].to_vec()
        })
        .collect()
}

/// A listening test server on 127.0.0.1; stops when dropped.
pub struct TestSmtp {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    arrived: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl TestSmtp {
    pub async fn start() -> TestSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port for the test SMTP server");
        let addr = listener.local_addr().expect("bound address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Notify::new());
        let (keep, notify) = (received.clone(), arrived.clone());
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (keep, notify) = (keep.clone(), notify.clone());
                tokio::spawn(async move {
                    let _ = session(socket, &keep, &notify).await;
                });
            }
        });
        TestSmtp { addr, received, arrived, task }
    }

    /// The URL a client sends through: plain SMTP on loopback.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().expect("not poisoned").clone()
    }

    /// Waits up to `within` for at least `count` messages; all received so far.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.arrived.notified();
            let received = self.received();
            if received.len() >= count || tokio::time::Instant::now() >= deadline {
                return received;
            }
            let _ = tokio::time::timeout_at(deadline, notified).await;
        }
    }
}

impl Drop for TestSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    keep: &Mutex<Vec<ReceivedMail>>,
    arrived: &Notify,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 test.invalid ESMTP ready\r\n").await?;
    let mut to = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" => b"250-test.invalid\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                to.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                let address = line.split_once(':').map_or("", |(_, rest)| rest);
                to.push(address.trim().trim_matches(|c| c == '<' || c == '>').to_owned());
                b"250 OK\r\n"
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                while let Some(line) = lines.next_line().await? {
                    if line == "." {
                        break;
                    }
                    // Dot-stuffing (RFC 5321 4.5.2): a leading dot was doubled by the client.
                    data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
                    data.push('\n');
                }
                keep.lock().expect("not poisoned").push(ReceivedMail { to: std::mem::take(&mut to), data });
                arrived.notify_waiters();
                b"250 queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 not implemented\r\n",
        };
        write.write_all(answer).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_real_client_hands_it_a_message() {
        let server = TestSmtp::start().await;
        let mailer =
            crate::mail::Mailer::smtp(&server.url(), "Linked All <no-reply@linkedall.africa>").unwrap();
        let mail = crate::mail::Mail {
            to: "ama@example.com".into(),
            subject: "Hello".into(),
            text: "One line.\n.A line that starts with a dot.\n".into(),
            kind: "test",
        };
        mailer.send(&mail).await.unwrap();
        let received = server.wait_for(1, Duration::from_secs(10)).await;
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].to, ["ama@example.com"]);
        assert!(received[0].data.contains("Subject: Hello"), "{}", received[0].data);
        assert!(received[0].text().contains("\n.A line that starts with a dot."), "{}", received[0].data);
    }

    #[test]
    fn bodies_are_read_as_their_encoding_says() {
        let mail = |encoding: &str, body: &str| ReceivedMail {
            to: Vec::new(),
            data: format!("Subject: x\nContent-Transfer-Encoding: {encoding}\n\n{body}"),
        };
        assert_eq!(mail("quoted-printable", "d=C3=A9j=\n=C3=A0 a=3Db\n").text(), "déjà a=b\n");
        assert_eq!(mail("base64", "2KfYrtiq2LEg\nYWI=\n").text(), "اختر ab");
        assert_eq!(mail("7bit", "plain\n").text(), "plain\n");
    }
}
