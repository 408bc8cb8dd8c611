//! The end-to-end benchmark's floor: a function that answers every event with the same fixed
//! response, over one blocking keep-alive socket, reading nothing of the event. What it takes
//! is the loopback round trip itself; no function can answer faster through the Runtime API.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::ExitCode;

const ANSWER: &str = r#"{"statusCode":200,"headers":{"content-type":"application/json"},"multiValueHeaders":{},"body":"{\"app_metadata\":{\"provider\":\"email\",\"roles\":[\"member\",\"editor\"]}}","isBase64Encoded":false}"#;

fn main() -> ExitCode {
    match serve() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("floor: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve() -> std::io::Result<()> {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API")
        .map_err(|_| std::io::Error::other("AWS_LAMBDA_RUNTIME_API is not set"))?;
    let stream = TcpStream::connect(&api)?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let next = format!("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nhost: {api}\r\n\r\n");
    loop {
        writer.write_all(next.as_bytes())?;
        let request_id = read_response(&mut reader)?
            .ok_or_else(|| std::io::Error::other("the event had no request id"))?;
        let post = format!(
            "POST /2018-06-01/runtime/invocation/{request_id}/response HTTP/1.1\r\nhost: {api}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ANSWER}",
            ANSWER.len()
        );
        writer.write_all(post.as_bytes())?;
        read_response(&mut reader)?;
    }
}

/// Reads one response whole and returns its request id header, if any.
fn read_response(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    let mut length = 0usize;
    let mut request_id = None;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other(
                "the Runtime API closed the connection",
            ));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value
                    .parse()
                    .map_err(|_| std::io::Error::other("a content-length that is not a number"))?;
            } else if name.eq_ignore_ascii_case("lambda-runtime-aws-request-id") {
                request_id = Some(value.to_owned());
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(request_id)
}
