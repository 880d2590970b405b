//! Search filters on a vector store file's attributes: comparisons (`eq`, `ne`, `gt`, `gte`, `lt`,
//! `lte`, `in`, `nin`) combined with `and` / `or`.

use std::cmp::Ordering;

use hearth_wire::{
    AttributeValue, Attributes, ComparisonFilter, ComparisonOp, CompoundOp, FilterListItem,
    FilterValue, SearchFilter,
};

/// Whether a file with `attributes` passes `filter`.
///
/// A file without the compared attribute passes no comparison, `ne` and `nin` included: a filter
/// names the attribute it is about, and a file that does not say is not known to differ. Values of
/// different kinds (a string and a number) are never equal and have no order. Strings are ordered
/// by their characters, numbers by value; booleans are only equal or not. An empty `and` passes,
/// an empty `or` does not.
pub fn filter_matches(filter: &SearchFilter, attributes: &Attributes) -> bool {
    match filter {
        SearchFilter::Comparison(comparison) => comparison_matches(comparison, attributes),
        SearchFilter::Compound(compound) => match compound.op {
            CompoundOp::And => compound
                .filters
                .iter()
                .all(|filter| filter_matches(filter, attributes)),
            CompoundOp::Or => compound
                .filters
                .iter()
                .any(|filter| filter_matches(filter, attributes)),
        },
    }
}

fn comparison_matches(comparison: &ComparisonFilter, attributes: &Attributes) -> bool {
    let Some(attribute) = attributes.get(&comparison.key) else {
        return false;
    };
    let value = &comparison.value;
    let order = || order(attribute, value);
    match comparison.op {
        ComparisonOp::Eq => equal(attribute, value),
        ComparisonOp::Ne => !equal(attribute, value),
        ComparisonOp::Gt => order() == Some(Ordering::Greater),
        ComparisonOp::Gte => matches!(order(), Some(Ordering::Greater | Ordering::Equal)),
        ComparisonOp::Lt => order() == Some(Ordering::Less),
        ComparisonOp::Lte => matches!(order(), Some(Ordering::Less | Ordering::Equal)),
        ComparisonOp::In => in_list(attribute, value),
        ComparisonOp::Nin => !in_list(attribute, value),
    }
}

/// Whether the attribute equals the filter's value: same kind, same value.
fn equal(attribute: &AttributeValue, value: &FilterValue) -> bool {
    match (attribute, value) {
        (AttributeValue::Bool(a), FilterValue::Bool(b)) => a == b,
        _ => order(attribute, value) == Some(Ordering::Equal),
    }
}

/// How the attribute is ordered against the filter's value; `None` when they have no order.
fn order(attribute: &AttributeValue, value: &FilterValue) -> Option<Ordering> {
    match (attribute, value) {
        (AttributeValue::String(a), FilterValue::String(b)) => Some(a.as_str().cmp(b)),
        (AttributeValue::Number(a), FilterValue::Number(b)) => {
            a.as_f64()?.partial_cmp(&b.as_f64()?)
        }
        _ => None,
    }
}

/// Whether the attribute is one of the list's items; a single value counts as a list of one.
fn in_list(attribute: &AttributeValue, value: &FilterValue) -> bool {
    let equal_item = |item: &FilterListItem| match (attribute, item) {
        (AttributeValue::String(a), FilterListItem::String(b)) => a == b,
        (AttributeValue::Number(a), FilterListItem::Number(b)) => a.as_f64() == b.as_f64(),
        _ => false,
    };
    match value {
        FilterValue::List(items) => items.iter().any(equal_item),
        single => equal(attribute, single),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attributes() -> Attributes {
        serde_json::from_value(json!({"author": "ann", "year": 2021, "draft": false})).unwrap()
    }

    fn passes(filter: serde_json::Value) -> bool {
        filter_matches(&serde_json::from_value(filter).unwrap(), &attributes())
    }

    #[test]
    fn numbers_compare_by_value_whatever_their_spelling() {
        assert!(passes(
            json!({"type": "eq", "key": "year", "value": 2021.0})
        ));
        assert!(passes(
            json!({"type": "gt", "key": "year", "value": 2020.5})
        ));
        assert!(!passes(json!({"type": "lt", "key": "year", "value": 2021})));
    }

    #[test]
    fn kinds_that_differ_are_unequal_and_unordered() {
        assert!(!passes(
            json!({"type": "eq", "key": "year", "value": "2021"})
        ));
        assert!(passes(
            json!({"type": "ne", "key": "year", "value": "2021"})
        ));
        assert!(!passes(
            json!({"type": "gte", "key": "year", "value": "2021"})
        ));
        assert!(passes(json!({"type": "ne", "key": "draft", "value": true})));
        assert!(!passes(
            json!({"type": "lt", "key": "draft", "value": true})
        ));
    }
}
