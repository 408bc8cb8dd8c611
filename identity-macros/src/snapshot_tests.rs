//! Snapshots of the expansion: what the macro generates for representative inputs, pretty-printed
//! into `snapshots/<name>.rs` so that a reviewer reads it and sees every change in a diff.
//! `UPDATE_SNAPSHOTS=1 cargo test -p identity-macros` rewrites them.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

fn check(name: &str, args: TokenStream, item: TokenStream) {
    let expanded = crate::entry::identity_event(args, item);
    let file: syn::File = match syn::parse2(expanded.clone()) {
        Ok(file) => file,
        Err(err) => panic!("{name}: the expansion is not a file of items ({err}):\n{expanded}"),
    };
    let pretty = prettyplease::unparse(&file);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert_eq!(
        pretty, expected,
        "the expansion of `{name}` changed; review it, then run with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn sync_change() {
    check(
        "sync_change",
        quote!(signup),
        quote! {
            fn assign_roles(user: &User) -> MetadataChange {
                user.change().add_role("member")
            }
        },
    );
}

#[test]
fn async_with_context_and_result() {
    check(
        "async_with_context_and_result",
        quote!(login),
        quote! {
            async fn record<'a>(user: &'a User, context: Option<&ClientContext>) -> Result<MetadataChange, Deny> {
                Ok(user.change())
            }
        },
    );
}

#[test]
fn background_with_setup() {
    check(
        "background_with_setup",
        quote!(signup, background, setup = crm::connect),
        quote! {
            async fn welcome(user: User, client: State<'_, crm::Client>) -> Result<(), crm::Error> {
                client.send(&user).await
            }
        },
    );
}

#[test]
fn no_parameters() {
    check(
        "no_parameters",
        quote!(validate),
        quote!(
            fn allow() {}
        ),
    );
}

#[test]
fn errors_keep_the_function() {
    check(
        "errors_keep_the_function",
        quote!(sigup),
        quote! {
            unsafe fn handle(user: &mut User) {}
        },
    );
}
