//! PowerShell syntax trees through tree-sitter and the `tree-sitter-powershell` grammar.
//! Used to read exported scripts back and to prove generated PowerShell is well formed.

use tree_sitter::{Node, Parser, Tree};

use crate::error::ExchangeError;

/// Parses PowerShell source. The grammar never rejects input; problems show up as ERROR or
/// MISSING nodes, which [`problems`] lists.
pub fn parse(source: &str) -> Result<Tree, ExchangeError> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .map_err(|e| {
            parse_error(
                0,
                0,
                format!("the PowerShell grammar could not be loaded: {e}"),
            )
        })?;
    parser
        .parse(source, None)
        .ok_or_else(|| parse_error(0, 0, "the PowerShell parser gave up".to_owned()))
}

/// A syntax problem: 1-based line and column, and what the parser found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub what: String,
}

/// Every ERROR and MISSING node in the tree, in source order.
pub fn problems(tree: &Tree) -> Vec<Problem> {
    let mut found = Vec::new();
    collect(tree.root_node(), &mut found);
    found
}

fn collect(node: Node, found: &mut Vec<Problem>) {
    if node.is_error() || node.is_missing() {
        let pos = node.start_position();
        found.push(Problem {
            line: pos.row + 1,
            column: pos.column + 1,
            what: if node.is_missing() {
                format!("missing {}", node.kind())
            } else {
                "syntax error".to_owned()
            },
        });
    }
    // Only descend where the tree says something is wrong below: keeps 100 KB scripts cheap.
    if node.has_error() {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            collect(child, found);
        }
    }
}

/// Builds a script-parse error located at `node`.
pub(crate) fn error_at(node: Node, reason: impl Into<String>) -> ExchangeError {
    let pos = node.start_position();
    parse_error(pos.row + 1, pos.column + 1, reason.into())
}

pub(crate) fn parse_error(line: usize, column: usize, reason: String) -> ExchangeError {
    ExchangeError::ScriptParse {
        line,
        column,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_source_has_no_problems() {
        let tree = parse("Get-FederationTrust -Identity 'x'\n").expect("parse");
        assert!(problems(&tree).is_empty());
    }

    #[test]
    fn broken_source_is_reported_with_position() {
        let tree = parse("Get-FederationTrust -Identity 'x\n").expect("parse");
        let found = problems(&tree);
        assert!(!found.is_empty());
        let tree = parse("if ($x) {\n Get-X\n").expect("parse");
        assert!(!problems(&tree).is_empty());
    }
}
