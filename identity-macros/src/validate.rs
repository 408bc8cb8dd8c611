//! The checks the type checker cannot make: the function's shape and its parameter set.

use syn::{GenericParam, ItemFn};

use crate::args::Args;
use crate::errors::Errors;
use crate::handler::{Handler, ParamKind};

/// `args` is `None` when the arguments had errors of their own; the function is still checked.
pub(crate) fn check(args: Option<&Args>, handler: &Handler, errors: &mut Errors) {
    check_signature(&handler.item, errors);
    check_params(args, handler, errors);
    if args.is_some_and(|args| args.background) {
        check_background_return(handler, errors);
    }
}

/// `Result<(), Deny>` satisfies the background bound (`Result<(), E: Display>`) but is a
/// denial that nobody would see: the platform answered 202 before the function ran.
/// `MetadataChange` and `Deny` themselves are refused by the trait bound.
fn check_background_return(handler: &Handler, errors: &mut Errors) {
    struct FindDeny<'a>(Option<&'a syn::Ident>);
    impl<'a> syn::visit::Visit<'a> for FindDeny<'a> {
        fn visit_path_segment(&mut self, segment: &'a syn::PathSegment) {
            if segment.ident == "Deny" && self.0.is_none() {
                self.0 = Some(&segment.ident);
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let Some(ty) = handler.return_type() else {
        return;
    };
    if let syn::Type::Path(path) = ty {
        let last = path.path.segments.last();
        if last.is_some_and(|s| s.ident == "Deny" || s.ident == "MetadataChange") {
            return; // the trait bound reports these, on the return type
        }
    }
    let mut finder = FindDeny(None);
    syn::visit::Visit::visit_type(&mut finder, ty);
    if let Some(deny) = finder.0 {
        errors.spanned(
            deny,
            "a background function cannot deny: Netlify answers 202 before it runs, so the signup or login has already gone through\n\nhelp: return `Result<(), E>` with an error type of your own (an `Err` is logged), or drop `background` to be able to deny",
        );
    }
}

fn check_signature(item: &ItemFn, errors: &mut Errors) {
    for attr in item.attrs.iter().filter(|attr| is_entry_attribute(attr)) {
        errors.spanned(
            attr,
            "#[identity_event] writes `main` and starts its own runtime; another entry-point attribute cannot be combined with it\n\nhelp: remove this attribute; an `async fn` handler is awaited by the identity runtime",
        );
    }
    let sig = &item.sig;
    if sig.ident == "main" {
        errors.spanned(
            &sig.ident,
            "the handler cannot be named `main`: #[identity_event] writes `main` itself\n\nhelp: rename it after what it does, for example `fn assign_roles`",
        );
    }
    if let Some(constness) = &sig.constness {
        errors.spanned(
            constness,
            "the handler cannot be a `const fn`; remove `const`",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.spanned(
            unsafety,
            "the handler cannot be an `unsafe fn`: the runtime calls it with no safety contract to uphold\n\nhelp: remove `unsafe` and put `unsafe` blocks inside the body",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(abi, "the handler cannot have an `extern` ABI; remove it");
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, "the handler cannot be variadic; remove `...`");
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(ty) => errors.spanned(
                &ty.ident,
                format!(
                    "the handler cannot be generic over `{}`: the runtime must know every parameter's type\n\nhelp: name the concrete type",
                    ty.ident
                ),
            ),
            GenericParam::Const(constant) => errors.spanned(
                &constant.ident,
                "the handler cannot have const parameters; use a constant inside the body",
            ),
        }
    }
    if let Some(clause) = &sig.generics.where_clause
        && !clause.predicates.is_empty()
    {
        errors.spanned(
            clause,
            "the handler cannot have a `where` clause; name concrete types",
        );
    }
}

fn check_params(args: Option<&Args>, handler: &Handler, errors: &mut Errors) {
    let mut seen: Vec<(&'static str, &syn::Type)> = Vec::new();
    for param in &handler.params {
        if let Some(span) = param.receiver {
            errors.at(
                span,
                "#[identity_event] goes on a free function, not a method: the handler cannot take `self`\n\nhelp: move the function out of the `impl` block and take what it needs as parameters",
            );
            continue;
        }
        if let syn::Type::ImplTrait(ty) = &param.ty {
            errors.spanned(
                ty,
                "a handler parameter cannot be `impl Trait`: the runtime must know its type\n\nhelp: name the type, for example `&User`",
            );
            continue;
        }
        let Some(kind) = &param.kind else { continue };
        match kind {
            ParamKind::UserMut => errors.spanned(
                &param.ty,
                "the user cannot be borrowed mutably: edits to it would be lost\n\nhelp: take `&User` and return `user.change()…` to change metadata, or take `User` to own a copy",
            ),
            ParamKind::ClientContext { optional: false } => errors.spanned(
                &param.ty,
                "the client context is not always sent (background functions and direct calls have none)\n\nhelp: take `Option<&ClientContext>` and handle `None`",
            ),
            ParamKind::State(_) if args.is_some_and(|args| args.setup.is_none()) => errors.spanned(
                &param.ty,
                "a `State` parameter needs a setup function that builds it\n\nhelp: add `setup = my_setup` to the attribute, where `fn my_setup() -> Result<T, E>` runs once per cold start",
            ),
            _ => {}
        }
        let described = kind.describe();
        match seen.iter().find(|(seen_kind, _)| *seen_kind == described) {
            Some((_, first)) => errors.spanned(
                &param.ty,
                format!(
                    "{described} is already a parameter (`{}`); a handler takes each kind of parameter once",
                    quote::ToTokens::to_token_stream(first).to_string().replace(" ", "")
                ),
            ),
            None => seen.push((described, &param.ty)),
        }
    }
}

/// `#[tokio::main]`, `#[async_std::main]` and the like: attributes that write `main` too.
pub(crate) fn is_entry_attribute(attr: &syn::Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.len() == 2 && segments[1] == "main"
}
