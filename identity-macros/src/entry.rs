//! The attribute's entry point: parse, validate, expand; on any error, the fallback.

use proc_macro2::TokenStream;

use crate::errors::Errors;
use crate::{args, expand, fallback, handler, naming, validate};

pub(crate) fn identity_event(args: TokenStream, item: TokenStream) -> TokenStream {
    let handler = handler::parse(item.clone());
    // A method cannot have a `main` beside it.
    let emit_main = match &handler {
        Ok(handler) => handler.params.iter().all(|p| p.receiver.is_none()),
        Err(_) => true,
    };
    // On error the function is emitted as written, less any entry-point attribute
    // (`#[tokio::main]`), whose own errors would only repeat ours.
    // A function named `main` is put in a block of its own, where rustc does not take it for
    // the entry point and report its signature too.
    let unchanged = match &handler {
        Ok(handler) => {
            let mut function = handler.item.clone();
            function
                .attrs
                .retain(|attr| !validate::is_entry_attribute(attr));
            if function.sig.ident == "main" {
                quote::quote!(const _: () = { #function };)
            } else {
                quote::quote!(#function)
            }
        }
        Err(_) => item,
    };
    let expanded = match check(args, handler) {
        Ok((args, handler)) => expand::expand(&args, &handler),
        Err(error) => fallback::fallback(unchanged, &error, emit_main),
    };
    if std::env::var_os("IDENTITY_MACROS_DEBUG").is_some() {
        eprintln!("{expanded}");
    }
    expanded
}

fn check(
    args: TokenStream,
    handler: syn::Result<handler::Handler>,
) -> syn::Result<(args::Args, handler::Handler)> {
    let mut errors = Errors::default();
    let args = args::parse(args).map_err(|err| errors.push(err)).ok();
    let handler = handler.map_err(|err| errors.push(err)).ok();
    if let Some(handler) = &handler {
        validate::check(args.as_ref(), handler, &mut errors);
    }
    if let Some(args) = &args {
        naming::check(args, &mut errors);
    }
    errors.into_result()?;
    match (args, handler) {
        (Some(args), Some(handler)) => Ok((args, handler)),
        // Both are `Some` when no error was collected.
        _ => Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "invalid #[identity_event]",
        )),
    }
}
