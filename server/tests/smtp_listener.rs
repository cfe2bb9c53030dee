//! The tests' SMTP listener itself, spoken to over a raw TCP connection: a message accepted
//! with its dot-stuffing undone and its Message-ID read, recipients refused, and silence.

mod common;

use common::smtp::{Mode, SmtpServer};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

/// A hand-driven SMTP client.
struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Client {
    async fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect to the test SMTP listener");
        let (reader, writer) = stream.into_split();
        Client {
            reader: BufReader::new(reader),
            writer,
        }
    }

    async fn send(&mut self, text: &str) {
        self.writer
            .write_all(text.as_bytes())
            .await
            .expect("write to the SMTP listener");
    }

    /// One whole reply: its code and its lines (a multiline reply has `-` after the code).
    async fn reply(&mut self) -> (u16, Vec<String>) {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let read = self
                .reader
                .read_line(&mut line)
                .await
                .expect("read a reply");
            assert!(read > 0, "the SMTP listener closed the connection");
            let line = line.trim_end().to_string();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                break;
            }
        }
        let code = lines[0]
            .get(..3)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("a reply code in {lines:?}"));
        (code, lines)
    }

    /// Sends one command line and returns the reply's code.
    async fn command(&mut self, line: &str) -> u16 {
        self.send(&format!("{line}\r\n")).await;
        self.reply().await.0
    }
}

#[tokio::test]
async fn accepts_a_message_and_undoes_dot_stuffing() {
    let server = SmtpServer::start(Mode::Accept).await;
    assert_eq!(server.url(), format!("smtp://127.0.0.1:{}", server.port()));

    let mut client = Client::connect(server.port()).await;
    assert_eq!(client.reply().await.0, 220);
    client.send("EHLO tester\r\n").await;
    let (code, lines) = client.reply().await;
    assert_eq!(code, 250);
    assert!(lines.len() > 1, "EHLO answers with capabilities: {lines:?}");
    assert!(lines.iter().any(|line| line.ends_with("8BITMIME")));
    assert!(lines.iter().any(|line| line.ends_with("SMTPUTF8")));

    assert_eq!(client.command("MAIL FROM:<a@example.org>").await, 250);
    assert_eq!(client.command("RCPT TO:<b@example.org>").await, 250);
    assert_eq!(client.command("DATA").await, 354);
    client
        .send(
            "From: a@example.org\r\n\
             To: b@example.org\r\n\
             Message-ID: <abc@x>\r\n\
             Subject: Hello\r\n\
             \r\n\
             first line\r\n\
             ..hidden\r\n\
             .\r\n",
        )
        .await;
    assert_eq!(client.reply().await.0, 250);
    assert_eq!(client.command("NOOP").await, 250);
    assert_eq!(client.command("QUIT").await, 221);

    assert_eq!(server.wait_for(1, Duration::from_secs(5)).await, 1);
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "a@example.org");
    assert_eq!(received[0].to, ["b@example.org"]);
    assert!(
        received[0].data.contains("\r\n.hidden\r\n"),
        "dot-stuffing undone: {:?}",
        received[0].data
    );
    assert!(!received[0].data.contains("..hidden"));
    assert_eq!(server.message_ids(), ["abc@x"]);
}

#[tokio::test]
async fn refuse_mode_answers_550_to_recipients() {
    let server = SmtpServer::start(Mode::Refuse).await;
    let mut client = Client::connect(server.port()).await;
    assert_eq!(client.reply().await.0, 220);
    assert_eq!(client.command("EHLO tester").await, 250);
    assert_eq!(client.command("MAIL FROM:<a@example.org>").await, 250);
    assert_eq!(client.command("RCPT TO:<b@example.org>").await, 550);
    assert_eq!(client.command("DATA").await, 503);
    assert_eq!(client.command("RSET").await, 250);

    // Switching modes applies to the open connection's next recipient.
    server.set_mode(Mode::Accept);
    assert_eq!(client.command("MAIL FROM:<a@example.org>").await, 250);
    assert_eq!(client.command("RCPT TO:<b@example.org>").await, 250);
    assert_eq!(client.command("QUIT").await, 221);
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn hang_mode_greets_then_never_answers() {
    let server = SmtpServer::start(Mode::Hang).await;
    let mut client = Client::connect(server.port()).await;
    assert_eq!(client.reply().await.0, 220);
    client.send("EHLO tester\r\n").await;
    let answer = tokio::time::timeout(Duration::from_millis(300), client.reply()).await;
    assert!(answer.is_err(), "no answer to EHLO: {answer:?}");
}
