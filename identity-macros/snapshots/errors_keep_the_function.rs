::core::compile_error! {
    "`sigup` is not an identity event; expected one of: `validate`, `signup`, `login`, `userdeleted`, `usermodified`\n\nhelp: did you mean `signup`?"
}
::core::compile_error! {
    "the handler cannot be an `unsafe fn`: the runtime calls it with no safety contract to uphold\n\nhelp: remove `unsafe` and put `unsafe` blocks inside the body"
}
::core::compile_error! {
    "the user cannot be borrowed mutably: edits to it would be lost\n\nhelp: take `&User` and return `user.change()…` to change metadata, or take `User` to own a copy"
}
unsafe fn handle(user: &mut User) {}
#[doc(hidden)]
fn main() {}
