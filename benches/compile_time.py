"""Compile time of the macro: a crate of 20 annotated functions against the same crate with the
expansion written by hand, and the macro crate's own build. Prints JSON; `benches/run` calls it.

Both crates share the workspace's target directory, so dependencies are built once; each
measurement is hyperfine's median of rebuilding the crate alone after touching its source,
with incremental compilation off so that every run compiles the whole crate."""
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = sys.argv[1]
runs = sys.argv[2] if len(sys.argv) > 2 else "10"
work = os.path.join(target, "compile-bench")
FUNCTIONS = 20

HANDLER = """pub fn handle{i}(user: &User, context: Option<&ClientContext>) -> Result<MetadataChange, Deny> {{
        if user.has_role("banned") {{ return Err(Deny::new("banned")); }}
        let _ = context;
        Ok(user.change().add_role("role{i}"))
    }}"""

EXPANSION = """pub static IDENTITY_FUNCTION: ::identity_runtime::IdentityFunction = ::identity_runtime::IdentityFunction::__new(
        "identity-signup", ::identity_runtime::EventKind::Signup, false,
        ::identity_runtime::__private::Faults::__new(::identity_runtime::__private::Option::None, false),
        {{
            fn __identity_handler<'__identity_a>(__invocation: &'__identity_a ::identity_runtime::__private::Invocation<'_>) -> ::identity_runtime::__private::HandlerFuture<'__identity_a> {{
                ::identity_runtime::__private::Box::pin(async move {{
                    let __identity_arg0 = match <&User as ::identity_runtime::__private::FromInvocation<'_>>::from_invocation(__invocation) {{
                        ::identity_runtime::__private::Result::Ok(value) => value,
                        ::identity_runtime::__private::Result::Err(rejection) => return ::identity_runtime::__private::Outcome::from(rejection),
                    }};
                    let __identity_arg1 = match <Option<&ClientContext> as ::identity_runtime::__private::FromInvocation<'_>>::from_invocation(__invocation) {{
                        ::identity_runtime::__private::Result::Ok(value) => value,
                        ::identity_runtime::__private::Result::Err(rejection) => return ::identity_runtime::__private::Outcome::from(rejection),
                    }};
                    let __identity_return = handle{i}(__identity_arg0, __identity_arg1);
                    ::identity_runtime::__private::into_outcome(__identity_return)
                }})
            }}
            __identity_handler
        }},
        ::identity_runtime::__private::Option::None,
    );
    #[allow(dead_code)]
    fn main() -> ::identity_runtime::__private::ExitCode {{ IDENTITY_FUNCTION.run() }}"""


def make(name, annotated):
    crate = os.path.join(work, name)
    os.makedirs(os.path.join(crate, "src"), exist_ok=True)
    runtime = os.path.join(root, "identity-runtime")
    with open(os.path.join(crate, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\n\n'
                f'[dependencies]\nidentity-runtime = {{ path = "{runtime}" }}\n\n[workspace]\n')
    modules = []
    for i in range(FUNCTIONS):
        body = HANDLER.format(i=i)
        if annotated:
            body = "#[identity_event(signup)]\n    " + body
        else:
            body = body + "\n    " + EXPANSION.format(i=i)
        uses = "use identity_runtime::{ClientContext, Deny, MetadataChange, User"
        uses += ", identity_event};" if annotated else "};"
        modules.append(f"pub mod f{i} {{\n    {uses}\n    {body}\n}}\n")
    with open(os.path.join(crate, "src", "lib.rs"), "w") as f:
        f.write("#![allow(dead_code)]\n" + "\n".join(modules))
    subprocess.run(["cp", os.path.join(root, "Cargo.lock"), crate], check=True)
    return crate


def median_seconds(crate, label, prepare):
    out = os.path.join(work, f"{label}.json")
    env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0")
    subprocess.run(["cargo", "build", "--quiet", "--offline"], cwd=crate, env=env, check=True)
    subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "1", "--runs", runs,
                    "--prepare", prepare, "--export-json", out,
                    "cargo build --quiet --offline"], cwd=crate, env=env, check=True)
    with open(out) as f:
        return json.load(f)["results"][0]["median"]


annotated = make("compile_annotated", True)
handwritten = make("compile_handwritten", False)
result = {
    "functions": FUNCTIONS,
    "annotated_s": median_seconds(annotated, "annotated", f"touch {annotated}/src/lib.rs"),
    "handwritten_s": median_seconds(handwritten, "handwritten", f"touch {handwritten}/src/lib.rs"),
}
env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0")
subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "1", "--runs", runs,
                "--prepare", "cargo clean --quiet -p identity-macros",
                "--export-json", os.path.join(work, "macros.json"),
                "cargo build --quiet -p identity-macros"], cwd=root, env=env, check=True)
with open(os.path.join(work, "macros.json")) as f:
    result["macro_crate_s"] = json.load(f)["results"][0]["median"]
print(json.dumps(result))
