//! Declarative helpers for the shapes the protocol repeats everywhere: open string enums, constant
//! `object`/`type` literals and open `type`-tagged unions.

/// Declares a string enum that keeps values it does not know in an `Other` arm, so a newer server
/// (say, one with an extra run status) never makes a whole object unreadable.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know, kept verbatim so it serializes back unchanged.
            Other(String),
        }

        impl $name {
            /// Every value this crate knows, in the spec's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Other(raw) => raw,
                }
            }

            /// Reads a wire value; unknown values land in `Other`.
            pub fn parse(raw: &str) -> Self {
                match raw {
                    $( $value => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }

            /// Whether this is a value the spec defines.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(raw: &str) -> Self {
                Self::parse(raw)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::parse(&raw))
            }
        }

        // For the TypeScript bindings: the known values, then any other string.
        #[cfg(feature = "specta")]
        const _: () = {
            #[derive(::serde::Serialize, ::specta::Type)]
            #[specta(remote = self::$name)]
            #[allow(dead_code)]
            enum $name {
                $( #[serde(rename = $value)] $variant, )+
                #[serde(untagged)]
                Other(String),
            }
        };
    };
}

/// Declares a zero-sized type that stands for one constant string (`"object": "thread.run"`), so a
/// value of the wrong kind is rejected on input and the constant can never be misspelt on output.
macro_rules! literal {
    ($(#[$meta:meta])* $name:ident = $value:literal $(, alias $alias:literal)* $(,)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl $name {
            /// The wire spelling.
            pub const VALUE: &'static str = $value;
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                if raw == $value $(|| raw == $alias)* {
                    Ok($name)
                } else {
                    Err(<D::Error as ::serde::de::Error>::invalid_value(
                        ::serde::de::Unexpected::Str(&raw),
                        &concat!("\"", $value, "\""),
                    ))
                }
            }
        }

        // For the TypeScript bindings: the constant itself, written inline where it is used.
        #[cfg(feature = "specta")]
        const _: () = {
            #[derive(::serde::Serialize, ::specta::Type)]
            #[specta(remote = self::$name, inline)]
            #[allow(dead_code)]
            enum $name {
                #[serde(rename = $value)]
                Value,
            }
        };
    };
}

/// Makes an internally tagged union (`#[serde(tag = "type")]`) keep objects whose `type` it does not
/// know, so a newer server's tool, content part or step kind never makes a whole answer unreadable.
///
/// The enum derives its serde code with `#[serde(remote = "Self", tag = "type")]` (inherent
/// functions instead of trait impls) and ends with `#[serde(skip)] Unknown(serde_json::Value)`; this
/// macro writes the trait impls around them. `$tag`s must be every `type` the derive knows: a known
/// `type` with bad fields is still an error, any other object becomes `Unknown` and serializes back
/// unchanged.
macro_rules! open_union {
    ($name:ident { $($tag:literal),+ $(,)? }) => {
        impl $name {
            /// Every `type` this crate knows, in the spec's order.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($tag),+];

            /// Whether this is a form the spec defines (not `Unknown`).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    Self::Unknown(raw) => ::serde::Serialize::serialize(raw, serializer),
                    known => Self::serialize(known, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let unknown = value
                    .get("type")
                    .and_then(::serde_json::Value::as_str)
                    .is_some_and(|tag| !Self::KNOWN_TYPES.contains(&tag));
                if unknown {
                    Ok(Self::Unknown(value))
                } else {
                    // Known forms, and values without a string `type`, get the derive's own errors.
                    Self::deserialize(value).map_err(<D::Error as ::serde::de::Error>::custom)
                }
            }
        }
    };
}
