//! The annotated item, parsed into our own view of a handler: its parameters by kind and its
//! return type.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

/// The handler function, as written.
pub(crate) struct Handler {
    pub(crate) item: ItemFn,
    pub(crate) params: Vec<Param>,
}

/// One parameter of the handler.
pub(crate) struct Param {
    /// The type as written, `&User` or `State<'_, Config>`.
    pub(crate) ty: Type,
    /// What the parameter is, when the macro can tell from its shape; `None` leaves it to the
    /// type checker (`FromInvocation`), which names the accepted types.
    pub(crate) kind: Option<ParamKind>,
    /// `self`, which a handler cannot take.
    pub(crate) receiver: Option<Span>,
}

/// The kinds of parameter, for the checks the type checker cannot make (one of each, `State`
/// needs `setup`, …).
pub(crate) enum ParamKind {
    User,
    UserMut,
    Event,
    ClientContext { optional: bool },
    Request,
    EventKey,
    Invocation,
    AppData,
    UserData,
    State(Box<Type>),
}

impl ParamKind {
    /// What the parameter gives, for "the same kind of parameter twice" messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            ParamKind::User | ParamKind::UserMut => "the user",
            ParamKind::Event => "the identity event",
            ParamKind::ClientContext { .. } => "the client context",
            ParamKind::Request => "the request",
            ParamKind::EventKey => "the event key",
            ParamKind::Invocation => "the invocation context",
            ParamKind::AppData => "the typed app_metadata",
            ParamKind::UserData => "the typed user_metadata",
            ParamKind::State(_) => "the setup state",
        }
    }
}

/// Parses the item. Not a function is an error spanned on the item's first token.
pub(crate) fn parse(item: TokenStream) -> syn::Result<Handler> {
    let parsed: syn::Item = syn::parse2(item)?;
    let item = match parsed {
        syn::Item::Fn(item) => item,
        other => return Err(not_a_function(&other)),
    };
    let params = item.sig.inputs.iter().map(param).collect();
    Ok(Handler { item, params })
}

impl Handler {
    pub(crate) fn return_type(&self) -> Option<&Type> {
        match &self.item.sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some(ty),
        }
    }

    pub(crate) fn is_async(&self) -> bool {
        self.item.sig.asyncness.is_some()
    }
}

fn param(arg: &FnArg) -> Param {
    match arg {
        FnArg::Receiver(receiver) => Param {
            ty: (*receiver.ty).clone(),
            kind: None,
            receiver: Some(receiver.self_token.span),
        },
        FnArg::Typed(typed) => Param {
            ty: (*typed.ty).clone(),
            kind: kind(&typed.ty),
            receiver: None,
        },
    }
}

/// The kind of a parameter type, by the name of its last path segment.
fn kind(ty: &Type) -> Option<ParamKind> {
    match ty {
        Type::Reference(reference) => {
            let inner = last_segment(&reference.elem)?;
            match (
                inner.ident.to_string().as_str(),
                reference.mutability.is_some(),
            ) {
                ("User", false) => Some(ParamKind::User),
                ("User", true) => Some(ParamKind::UserMut),
                ("IdentityEvent", _) => Some(ParamKind::Event),
                ("Request", _) => Some(ParamKind::Request),
                ("EventKey", _) => Some(ParamKind::EventKey),
                ("InvocationContext", _) => Some(ParamKind::Invocation),
                ("ClientContext", _) => Some(ParamKind::ClientContext { optional: false }),
                _ => None,
            }
        }
        Type::Path(_) => {
            let segment = last_segment(ty)?;
            match segment.ident.to_string().as_str() {
                "User" => Some(ParamKind::User),
                "IdentityEvent" => Some(ParamKind::Event),
                "Request" => Some(ParamKind::Request),
                "EventKey" => Some(ParamKind::EventKey),
                "InvocationContext" => Some(ParamKind::Invocation),
                "AppData" => Some(ParamKind::AppData),
                "UserData" => Some(ParamKind::UserData),
                "ClientContext" => Some(ParamKind::ClientContext { optional: false }),
                "Option" => {
                    let inner = single_type_argument(segment)?;
                    let inner = match inner {
                        Type::Reference(reference) => &*reference.elem,
                        other => other,
                    };
                    (last_segment(inner)?.ident == "ClientContext")
                        .then_some(ParamKind::ClientContext { optional: true })
                }
                "State" => {
                    single_type_argument(segment).map(|t| ParamKind::State(Box::new(t.clone())))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

fn single_type_argument(segment: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

fn not_a_function(item: &syn::Item) -> syn::Error {
    let (what, span) = match item {
        syn::Item::Struct(s) => ("a struct", s.struct_token.span),
        syn::Item::Enum(e) => ("an enum", e.enum_token.span),
        syn::Item::Impl(i) => ("an impl block", i.impl_token.span),
        syn::Item::Const(c) => ("a constant", c.const_token.span),
        syn::Item::Static(s) => ("a static", s.static_token.span),
        syn::Item::Trait(t) => ("a trait", t.trait_token.span),
        syn::Item::Mod(m) => ("a module", m.mod_token.span),
        syn::Item::Type(t) => ("a type alias", t.type_token.span),
        syn::Item::Use(u) => ("a `use` item", u.use_token.span),
        other => ("this item", other.span()),
    };
    syn::Error::new(
        span,
        format!(
            "#[identity_event] goes on a function, not on {what}\n\nhelp: write `#[identity_event(signup)] fn handle(user: &User) -> MetadataChange {{ … }}`"
        ),
    )
}
