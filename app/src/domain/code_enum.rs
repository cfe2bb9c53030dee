//! A macro for the enumerations the database stores as short text codes.

/// Declares an enum whose variants each have a stable code (stored in the database and
/// used in URLs and the API) and a Chinese and an English label.
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every variant, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable code.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The label shown to readers.
            pub fn label(self, lang: $crate::i18n::Lang) -> &'static str {
                match self { $(Self::$variant => lang.pick($zh, $en)),+ }
            }

            /// Parses a stable code.
            pub fn parse(code: &str) -> Result<Self, $crate::domain::UnknownCode> {
                match code {
                    $($code => Ok(Self::$variant),)+
                    other => Err($crate::domain::UnknownCode {
                        kind: stringify!($name),
                        code: other.to_owned(),
                    }),
                }
            }
        }

        impl $name {
            /// Parses a code or either label (as people type them in spreadsheets).
            pub fn parse_loose(text: &str) -> Result<Self, $crate::domain::UnknownCode> {
                let text = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| {
                        v.code() == text
                            || v.label($crate::i18n::Lang::Zh) == text
                            || v.label($crate::i18n::Lang::En).eq_ignore_ascii_case(text)
                    })
                    .ok_or_else(|| $crate::domain::UnknownCode {
                        kind: stringify!($name),
                        code: text.to_owned(),
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}
