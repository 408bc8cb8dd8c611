//! A loopback AWS Lambda Runtime API server: hands out queued invocations on
//! `GET …/invocation/next` and records what the function posts back.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One invocation to hand out.
pub(crate) struct Invocation {
    pub(crate) id: String,
    pub(crate) event: String,
    /// The `Lambda-Runtime-Client-Context` header, as production sends it.
    pub(crate) client_context: Option<String>,
    /// How long the platform waits for the answer: `Lambda-Runtime-Deadline-Ms` is now plus
    /// this when the invocation is handed out.
    pub(crate) deadline_in: Duration,
}

/// What the function posted for an invocation.
#[derive(Debug)]
pub(crate) enum Posted {
    Response {
        id: String,
        body: String,
    },
    Error {
        id: String,
        body: String,
    },
    InitError {
        body: String,
    },
    /// An answer refused for its size (413), which the function did post.
    Refused {
        id: String,
        size: usize,
    },
}

impl Posted {
    /// The Lambda proxy answer posted for invocation `expected_id`, as (status, body JSON, or
    /// `null` for an empty body); anything else fails the test, saying what was posted.
    pub(crate) fn answer(self, expected_id: &str) -> (u64, serde_json::Value) {
        let (id, body) = match self {
            Posted::Response { id, body } => (id, body),
            Posted::Error { id, body } => {
                panic!("expected a response for {expected_id}: {id} failed, {body}")
            }
            other => panic!("expected a response for {expected_id}, got {other:?}"),
        };
        assert_eq!(id, expected_id);
        let response: serde_json::Value = serde_json::from_str(&body).expect("a JSON answer");
        let status = response["statusCode"].as_u64().expect("a status code");
        let body = response["body"].as_str().unwrap_or_default();
        let body = if body.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(body).expect("a JSON body")
        };
        (status, body)
    }
}

pub(crate) struct RuntimeApi {
    pub(crate) address: String,
    queue: Arc<(Mutex<VecDeque<Invocation>>, Condvar)>,
    posted: Receiver<Posted>,
    log_at_post: Arc<Mutex<Vec<(String, String)>>>,
}

/// How the server answers and what it records besides what is posted.
struct Setup {
    /// Answers above this many bytes are refused with a 413.
    limit: usize,
    /// A file (the function's stderr) read as each answer arrives, before it is accepted.
    watched_log: Option<PathBuf>,
}

impl RuntimeApi {
    pub(crate) fn start() -> RuntimeApi {
        RuntimeApi::with(Setup {
            limit: usize::MAX,
            watched_log: None,
        })
    }

    /// A server that refuses answers above `limit` bytes with a 413, as the Lambda service
    /// refuses an answer above 6 MB.
    pub(crate) fn with_response_limit(limit: usize) -> RuntimeApi {
        RuntimeApi::with(Setup {
            limit,
            watched_log: None,
        })
    }

    /// A server that reads `log` each time an answer arrives, before accepting it: what the
    /// function had logged by the time it posted ([`RuntimeApi::log_at_post`]).
    pub(crate) fn watching_log(log: PathBuf) -> RuntimeApi {
        RuntimeApi::with(Setup {
            limit: usize::MAX,
            watched_log: Some(log),
        })
    }

    fn with(setup: Setup) -> RuntimeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = listener.local_addr().expect("local address").to_string();
        let queue = Arc::new((Mutex::new(VecDeque::new()), Condvar::new()));
        let (sender, posted) = channel();
        let log_at_post = Arc::new(Mutex::new(Vec::new()));
        let server_queue = Arc::clone(&queue);
        let server_log = Arc::clone(&log_at_post);
        let setup = Arc::new(setup);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let queue = Arc::clone(&server_queue);
                let sender = sender.clone();
                let setup = Arc::clone(&setup);
                let log = Arc::clone(&server_log);
                thread::spawn(move || serve(stream, &queue, &sender, &setup, &log));
            }
        });
        RuntimeApi {
            address,
            queue,
            posted,
            log_at_post,
        }
    }

    /// The watched log as it stood when the answer of invocation `id` arrived.
    pub(crate) fn log_at_post(&self, id: &str) -> Option<String> {
        let seen = self.log_at_post.lock().expect("log lock");
        seen.iter()
            .find(|(posted, _)| posted == id)
            .map(|(_, log)| log.clone())
    }

    pub(crate) fn push(&self, invocation: Invocation) {
        let (queue, ready) = &*self.queue;
        queue.lock().expect("queue lock").push_back(invocation);
        ready.notify_all();
    }

    /// The environment the Lambda service gives a function, pointed at this server.
    pub(crate) fn environment<'a>(
        &'a self,
        command: &'a mut std::process::Command,
    ) -> &'a mut std::process::Command {
        command
            .env("AWS_LAMBDA_RUNTIME_API", &self.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", "identity-login")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
    }

    /// The next thing the function posted, waiting at most `timeout`.
    pub(crate) fn next_posted(&self, timeout: Duration) -> Option<Posted> {
        self.posted.recv_timeout(timeout).ok()
    }

    /// The answer to invocation `id` ([`Posted::answer`]), waiting at most `timeout`.
    pub(crate) fn answer(&self, timeout: Duration, id: &str) -> (u64, serde_json::Value) {
        self.next_posted(timeout)
            .unwrap_or_else(|| panic!("no answer to {id} within {timeout:?}"))
            .answer(id)
    }
}

fn serve(
    stream: TcpStream,
    queue: &(Mutex<VecDeque<Invocation>>, Condvar),
    sender: &Sender<Posted>,
    setup: &Setup,
    log_at_post: &Mutex<Vec<(String, String)>>,
) {
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_owned();
        let reply = if path.ends_with("/invocation/next") {
            let (queue, ready) = queue;
            let mut queue = queue.lock().expect("queue lock");
            let invocation = loop {
                match queue.pop_front() {
                    Some(invocation) => break invocation,
                    None => queue = ready.wait(queue).expect("queue wait"),
                }
            };
            next_reply(&invocation)
        } else {
            let id = path.split('/').nth(4).unwrap_or("").to_owned();
            if path.ends_with("/response")
                && let Some(log) = &setup.watched_log
            {
                let logged = std::fs::read_to_string(log).unwrap_or_default();
                log_at_post
                    .lock()
                    .expect("log lock")
                    .push((id.clone(), logged));
            }
            if path.ends_with("/response") && body.len() > setup.limit {
                let _ = sender.send(Posted::Refused {
                    id,
                    size: body.len(),
                });
                let refusal = r#"{"errorMessage":"Exceeded maximum allowed payload size","errorType":"RequestEntityTooLarge"}"#;
                let reply = format!(
                    "HTTP/1.1 413 Payload Too Large\r\ncontent-length: {}\r\ncontent-type: application/json\r\n\r\n{refusal}",
                    refusal.len()
                );
                if writer.write_all(reply.as_bytes()).is_err() {
                    return;
                }
                continue;
            }
            let posted = if path.ends_with("/init/error") {
                Posted::InitError { body }
            } else if path.ends_with("/response") {
                Posted::Response { id, body }
            } else {
                Posted::Error { id, body }
            };
            let _ = sender.send(posted);
            "HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}"
                .to_owned()
        };
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn next_reply(invocation: &Invocation) -> String {
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|now| now.as_millis() + invocation.deadline_in.as_millis())
        .unwrap_or(0);
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         lambda-runtime-deadline-ms: {deadline}\r\n\
         lambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:000000000000:function:identity-login\r\n",
        invocation.event.len(),
    );
    // An empty id stands for an invocation handed out without one.
    if !invocation.id.is_empty() {
        reply.push_str(&format!(
            "lambda-runtime-aws-request-id: {}\r\n",
            invocation.id
        ));
    }
    if let Some(context) = &invocation.client_context {
        reply.push_str(&format!("lambda-runtime-client-context: {context}\r\n"));
    }
    reply.push_str("\r\n");
    reply.push_str(&invocation.event);
    reply
}
