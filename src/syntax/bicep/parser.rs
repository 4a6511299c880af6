use super::*; pub fn parse(_t:&str,_m:Mode)->ParsedBicep{ParsedBicep{program:ast::Program{statements:vec![],span:Default::default()},errors:vec![],comments:vec![],directives:vec![]}}
