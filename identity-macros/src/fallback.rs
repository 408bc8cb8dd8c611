//! What the macro emits when it found errors: the errors, the user's item unchanged (so editors
//! keep completing inside it and its own errors still show), and a `main`, so that the missing
//! entry point adds no second error.

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn fallback(item: TokenStream, error: &syn::Error, emit_main: bool) -> TokenStream {
    let errors = error.to_compile_error();
    let main = emit_main.then(|| {
        quote! {
            #[doc(hidden)]
            fn main() {}
        }
    });
    quote! {
        #errors
        #item
        #main
    }
}
