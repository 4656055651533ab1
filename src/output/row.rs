//! Serializes a flat row struct (plain fields, and fields of
//! `#[serde(flatten)]` parts) straight into a CSV record: one field per
//! leaf value, the names collected once for the header. Numbers are
//! written as serde_json writes them (shortest round trip, `1.0` for whole
//! floats); a missing value (`None`) or a non-finite float is an empty
//! cell. Rows are written every simulated day, so no intermediate value
//! or string is built per cell.

use serde::ser::{self, Impossible, Serialize};

/// Why a row cannot be written as CSV.
#[derive(Debug)]
pub(crate) struct RowError(String);

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RowError {}

impl ser::Error for RowError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

fn unsupported(what: &str) -> RowError {
    RowError(format!("a CSV row holds plain values, not {what}"))
}

/// Fills `record` with the leaf values of `row`, in field order.
pub(crate) fn values(row: &impl Serialize, record: &mut csv::ByteRecord) -> Result<(), RowError> {
    record.clear();
    row.serialize(Row { record })
}

/// The field names of `row`, in the order [`values`] writes them.
pub(crate) fn names(row: &impl Serialize) -> Result<Vec<String>, RowError> {
    let value = serde_json::to_value(row).map_err(|e| RowError(e.to_string()))?;
    let object = value
        .as_object()
        .ok_or_else(|| unsupported("anything but a struct"))?;
    Ok(object.keys().cloned().collect())
}

/// The top-level serializer: a struct, or the map serde makes of a struct
/// with flattened parts (whose keys are the field names; [`names`] reads
/// them once, so here only the values count).
struct Row<'a> {
    record: &'a mut csv::ByteRecord,
}

/// The serializer methods of values a row cannot hold at its top level.
macro_rules! reject {
    ($($f:ident($($t:ty),*)),* $(,)?) => {$(
        fn $f(self, $(_: $t),*) -> Result<(), RowError> {
            Err(unsupported("a lone value"))
        }
    )*};
}

/// One leaf value into the record.
struct Cell<'a> {
    record: &'a mut csv::ByteRecord,
}

/// The serializer methods of compound values no CSV cell can hold.
macro_rules! reject_compound {
    () => {
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), RowError> {
            Err(unsupported("enum variants with data"))
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, RowError> {
            Err(unsupported("sequences"))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, RowError> {
            Err(unsupported("tuples"))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, RowError> {
            Err(unsupported("tuple structs"))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, RowError> {
            Err(unsupported("tuple variants"))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, RowError> {
            Err(unsupported("struct variants"))
        }
    };
}

macro_rules! integers {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<(), RowError> {
            self.record.push_field(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        }
    )*};
}

impl ser::Serializer for Cell<'_> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = Impossible<(), RowError>;
    type SerializeStruct = Impossible<(), RowError>;
    type SerializeStructVariant = Impossible<(), RowError>;

    integers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_f64(self, v: f64) -> Result<(), RowError> {
        if v.is_finite() {
            self.record
                .push_field(zmij::Buffer::new().format_finite(v).as_bytes());
        } else {
            self.record.push_field(b"");
        }
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), RowError> {
        self.serialize_f64(v as f64)
    }
    fn serialize_bool(self, v: bool) -> Result<(), RowError> {
        self.record
            .push_field(if v { b"true" as &[u8] } else { b"false" });
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), RowError> {
        self.record
            .push_field(v.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), RowError> {
        self.record.push_field(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), RowError> {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> Result<(), RowError> {
        self.record.push_field(b"");
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), RowError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), RowError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<(), RowError> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), RowError> {
        v.serialize(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, RowError> {
        Err(unsupported("nested maps"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, RowError> {
        Err(unsupported("nested structs (flatten them)"))
    }
    reject_compound!();
}

impl Row<'_> {
    fn field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), RowError> {
        value.serialize(Cell {
            record: self.record,
        })
    }
}

impl ser::SerializeStruct for Row<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        _: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        self.field(value)
    }
    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

impl ser::SerializeMap for Row<'_> {
    type Ok = ();
    type Error = RowError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), RowError> {
        Err(unsupported("keys apart from their values"))
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), RowError> {
        Err(unsupported("values apart from their keys"))
    }
    fn serialize_entry<K: ?Sized + Serialize, V: ?Sized + Serialize>(
        &mut self,
        _: &K,
        value: &V,
    ) -> Result<(), RowError> {
        self.field(value)
    }
    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

impl<'a> ser::Serializer for Row<'a> {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), RowError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, RowError> {
        Ok(self)
    }
    reject!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), RowError> {
        Err(unsupported("a lone value"))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), RowError> {
        v.serialize(self)
    }
    reject_compound!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Part {
        share: f64,
        missing: Option<f64>,
    }

    #[derive(serde::Serialize)]
    struct Line {
        day: u32,
        flag: bool,
        #[serde(flatten)]
        part: Part,
        ratio: f64,
        name: &'static str,
    }

    #[test]
    fn flattened_rows_write_as_serde_json_would() {
        let line = Line {
            day: 7,
            flag: true,
            part: Part {
                share: 0.25,
                missing: None,
            },
            ratio: f64::NAN,
            name: "Foundry",
        };
        assert_eq!(
            names(&line).unwrap(),
            ["day", "flag", "share", "missing", "ratio", "name"]
        );
        let mut record = csv::ByteRecord::new();
        values(&line, &mut record).unwrap();
        let cells: Vec<&[u8]> = record.iter().collect();
        assert_eq!(cells, [&b"7"[..], b"true", b"0.25", b"", b"", b"Foundry"]);
        // Whole and tiny floats as serde_json writes them.
        for x in [200.0, 1e-7, 123456789.125, 1e21] {
            values(
                &Part {
                    share: x,
                    missing: Some(x),
                },
                &mut record,
            )
            .unwrap();
            let json = serde_json::to_string(&x).unwrap();
            assert_eq!(&record[0], json.as_bytes());
            assert_eq!(&record[1], json.as_bytes());
        }
        assert!(
            values(&vec![1.0], &mut record).is_err(),
            "a row is a struct"
        );
    }
}
