use fedshare_model::ErrorCode;

use super::*;

/// Strings that break naive quoting: every quote form, expansion syntax, separators, control
/// characters, Unicode look-alikes, bidi marks, emoji, and sizes from empty to 100 KB.
fn hostile_corpus() -> Vec<String> {
    let mut corpus: Vec<String> = [
        "",
        "'",
        "''",
        "'''",
        "it's",
        "\"",
        "\"\"",
        "$()",
        "$(Remove-Item C:\\ -Recurse)",
        "${env:PATH}",
        "$env:USERNAME",
        "`",
        "``n",
        "a`",
        ";",
        "; Remove-FederationTrust -Identity x",
        "|",
        "| Out-File x",
        "&",
        "& calc.exe",
        "&&",
        "line1\nline2",
        "\n",
        "\r",
        "\r\n",
        "trailing\n",
        "\nleading",
        "tab\there",
        "\u{1}\u{7}\u{1b}[31m\u{7f}",
        "\u{2018}",
        "\u{2019}",
        "\u{201A}",
        "\u{201B}",
        "\u{2018}\u{2019}\u{201A}\u{201B}'",
        "a\u{2019}",
        "\u{201C}smart\u{201D} \u{201E}",
        "en\u{2013}dash em\u{2014}dash",
        "-Name",
        "--%",
        "#",
        "<# not a comment #>",
        "#>",
        "@'\nhere\n'@",
        "@\"\nhere\n\"@",
        "😀 emoji 👩‍👩‍👧",
        "\u{202E}rtl override\u{202C}",
        "\u{200F}\u{200E}\u{061C}",
        "\u{feff}bom",
        "\u{2028}\u{2029}\u{85}",
        "  spaces  ",
        "{ script block }",
        "(1+1)",
        "[char]39",
        "@()",
        ",",
        "a,b",
        "0",
        "-1",
        "$true",
        "contoso.com",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    corpus.push("x".repeat(100 * 1024));
    corpus.push("'\u{2019}\n".repeat(100 * 1024 / 5));
    corpus
}

fn assert_clean(script: &str) {
    let tree = syntax::parse(script).expect("parse");
    let problems = syntax::problems(&tree);
    assert!(
        problems.is_empty(),
        "{problems:?} in {:?}",
        &script[..script.len().min(300)]
    );
}

fn round_trip(steps: &[Step]) {
    let script = render_script("Round trip", steps).expect("render");
    assert_clean(&script);
    let parsed = parse_script(&script).expect("parse back");
    let expected: Vec<Invocation> = steps
        .iter()
        .flat_map(|s| {
            s.statements.iter().map(|st| match st {
                Statement::Run { command, .. } => {
                    for_export(&command.resolve(|_| None).expect("literal"))
                }
                other => panic!("not a plain call: {other:?}"),
            })
        })
        .collect();
    assert_eq!(parsed, expected);
}

fn plain(invocations: Vec<Invocation>) -> Vec<Statement> {
    invocations.into_iter().map(Statement::run).collect()
}

fn relationship(name: &str) -> Invocation {
    Invocation::new("New-OrganizationRelationship")
        .string("Name", name)
        .list("DomainNames", vec!["fourthcoffee.com".into(), name.into()])
}

/// An identity parameter cannot be empty (Exchange refuses it, and so does the catalog); the
/// empty string is still exercised through the plain string parameters beside it.
fn identity(value: &str) -> String {
    if value.is_empty() {
        "x".into()
    } else {
        value.to_owned()
    }
}

#[test]
fn every_hostile_string_round_trips() {
    for value in hostile_corpus() {
        let steps = [Step {
            title: value.clone(),
            statements: plain(vec![
                relationship(&value)
                    .string("OrganizationContact", value.clone())
                    .bool("Enabled", true)
                    .enumeration("FreeBusyAccessLevel", "LimitedDetails"),
                Invocation::new("Set-SharingPolicy")
                    .string("Identity", identity(&value))
                    .list("Domains", vec![value.clone()])
                    .param("Default", ParamValue::Switch(false)),
            ]),
        }];
        round_trip(&steps);
    }
}

#[test]
fn enum_values_round_trip_even_when_invalid() {
    // Rendering a single line does not validate, so the quoting of enums is tested directly.
    for value in hostile_corpus() {
        let inv = Invocation::new("Set-OrganizationRelationship")
            .string("Identity", "x")
            .enumeration("FreeBusyAccessLevel", value);
        let line = render_invocation(&inv);
        assert_clean(&line);
        assert_eq!(parse_script(&line).expect("parse"), vec![inv]);
    }
}

/// xorshift64*: a small deterministic generator so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn string(&mut self) -> String {
        const INTERESTING: &[char] = &[
            '\'', '"', '`', '$', '(', ')', '{', '}', ';', '|', '&', '\n', '\r', '\t', '#', '<',
            '>', '@', ',', '-', ' ', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}', '\u{201C}',
            '\u{201D}', '\u{2013}', '\u{200F}', '\u{202E}', '😀', '\u{1}', '\u{1f}', 'a', 'Z', '0',
        ];
        let len = self.below(40);
        (0..len)
            .map(|_| {
                if self.below(4) == 0 {
                    // Any Unicode scalar except NUL.
                    char::from_u32(1 + (self.next() % 0x10FFFF) as u32).unwrap_or('x')
                } else {
                    INTERESTING[self.below(INTERESTING.len())]
                }
            })
            .collect()
    }
}

#[test]
fn generated_strings_round_trip() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..400 {
        let list: Vec<String> = (0..rng.below(4)).map(|_| rng.string()).collect();
        let inv = Invocation::new("Set-OrganizationRelationship")
            .string("Identity", identity(&rng.string()))
            .list("DomainNames", list)
            .string("Name", rng.string())
            .bool("PhotosEnabled", rng.below(2) == 0)
            .param("Force", ParamValue::Switch(rng.below(2) == 0));
        round_trip(&[Step {
            title: rng.string(),
            statements: plain(vec![inv]),
        }]);
    }
}

#[test]
fn rendering_follows_exchange_shell_conventions() {
    let steps = [
        Step {
            title: "Create the relationship".into(),
            statements: plain(vec![relationship("Fourth Coffee")
                .bool("FreeBusyAccessEnabled", true)
                .enumeration("FreeBusyAccessLevel", "AvailabilityOnly")]),
        },
        Step {
            title: "Clean up".into(),
            statements: plain(vec![
                Invocation::new("Remove-SharingPolicy").string("Identity", "Old"),
                Invocation::new("New-SharingPolicy")
                    .string("Name", "Contoso")
                    .list(
                        "Domains",
                        vec!["contoso.com:CalendarSharingFreeBusySimple".into()],
                    )
                    .switch("Default"),
                Invocation::new("New-ExchangeCertificate").param("KeySize", ParamValue::Int(2048)),
            ]),
        },
    ];
    let script = render_script("Federate with Fourth Coffee", &steps).expect("render");
    let expected = "# Federate with Fourth Coffee
# Generated by Fedshare for the Exchange Management Shell (Exchange Server 2013).
# Review each step before running it; steps run in order.

# Step 1: Create the relationship
New-OrganizationRelationship -Name 'Fourth Coffee' -DomainNames 'fourthcoffee.com','Fourth Coffee' -FreeBusyAccessEnabled $true -FreeBusyAccessLevel 'AvailabilityOnly'

# Step 2: Clean up
Remove-SharingPolicy -Identity 'Old' -Confirm:$false
New-SharingPolicy -Name 'Contoso' -Domains @('contoso.com:CalendarSharingFreeBusySimple') -Default
New-ExchangeCertificate -KeySize 2048
";
    assert_eq!(script, expected);
    round_trip(&steps);
}

#[test]
fn quoting_doubles_every_single_quote_form() {
    assert_eq!(quote("it's"), "'it''s'");
    assert_eq!(
        quote("\u{2018}\u{2019}\u{201A}\u{201B}"),
        "'\u{2018}\u{2018}\u{2019}\u{2019}\u{201A}\u{201A}\u{201B}\u{201B}'"
    );
    assert_eq!(quote("\"$x`"), "'\"$x`'");
}

#[test]
fn titles_cannot_escape_their_comment() {
    let title = "x\nRemove-FederationTrust -Identity 'y'\r\n#> <# \u{2028}Get-AcceptedDomain";
    let steps = [Step {
        title: title.into(),
        statements: plain(vec![Invocation::new("Get-FederationTrust")]),
    }];
    let script = render_script(title, &steps).expect("render");
    assert_eq!(
        script
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .count(),
        1
    );
    assert!(!script.contains("#>") && !script.contains("<#"));
    assert_eq!(
        parse_script(&script).expect("parse"),
        vec![Invocation::new("Get-FederationTrust")]
    );
}

#[test]
fn rendering_validates_invocations() {
    let bad = [Step {
        title: "x".into(),
        statements: plain(vec![
            Invocation::new("Invoke-Expression").string("Command", "calc")
        ]),
    }];
    let err = render_script("x", &bad).expect_err("unknown cmdlet");
    assert_eq!(err.code(), "exchange.unknown_cmdlet");
}

#[test]
fn integers_and_switches_read_back() {
    for n in [0, 7, -5, i64::MAX, i64::MIN] {
        let inv = Invocation::new("New-ExchangeCertificate").param("KeySize", ParamValue::Int(n));
        assert_eq!(
            parse_script(&render_invocation(&inv)).expect("parse"),
            vec![inv]
        );
    }
    let parsed =
        parse_script("Set-SharingPolicy -Identity x -Default:$true -Enabled:$false -Force")
            .expect("parse");
    assert_eq!(
        parsed,
        vec![Invocation::new("Set-SharingPolicy")
            .string("Identity", "x")
            .param("Default", ParamValue::Switch(true))
            .bool("Enabled", false)
            .switch("Force")]
    );
}

#[test]
fn hand_written_forms_are_read() {
    let parsed = parse_script(
        "New-OrganizationRelationship -Name \"Fourth Coffee\" -DomainNames fourthcoffee.com -FreeBusyAccessLevel AvailabilityOnly # trailing\n",
    )
    .expect("parse");
    assert_eq!(
        parsed,
        vec![Invocation::new("New-OrganizationRelationship")
            .string("Name", "Fourth Coffee")
            .string("DomainNames", "fourthcoffee.com")
            .enumeration("FreeBusyAccessLevel", "AvailabilityOnly")]
    );
}

#[test]
fn code_is_rejected_not_run() {
    for script in [
        "Get-FederationTrust | Remove-FederationTrust",
        "$x = Get-FederationTrust",
        "Get-FederationTrust -Identity $name",
        "Get-FederationTrust -Identity \"$(calc)\"",
        "Get-FederationTrust -Identity (calc)",
        "Get-FederationTrust 'positional'",
        "Set-SharingPolicy -Identity x -Default $true",
        "& 'Get-FederationTrust'",
        "if ($true) { Get-FederationTrust }",
        "Get-FederationTrust -Identity 'a\u{2019}b'",
        "Get-FederationTrust -Identity 'unterminated",
        "Get-FederationTrust -Identity:",
    ] {
        let err = parse_script(script).expect_err(script);
        assert_eq!(err.code(), "exchange.script_parse", "{script}");
    }
}

#[test]
fn a_cleared_value_is_written_and_read_as_null() {
    let clear = Invocation::new("Set-Mailbox")
        .string("Identity", "Alex Wilber")
        .null("SharingPolicy");
    let line = render_invocation(&clear);
    assert_eq!(
        line,
        "Set-Mailbox -Identity 'Alex Wilber' -SharingPolicy $null"
    );
    let steps = [Step {
        title: "Undo".into(),
        statements: plain(vec![
            clear,
            Invocation::new("Set-OrganizationRelationship")
                .string("Identity", "Fabrikam")
                .null("FreeBusyAccessScope")
                .null("TargetApplicationUri"),
        ]),
    }];
    let script = render_script("Undo", &steps).expect("render");
    assert!(!script.contains("''"), "{script}");
    round_trip(&steps);
}

#[test]
fn an_empty_identity_is_refused_before_it_is_written() {
    // Exchange's *IdParameter refuses '' at binding; the renderer must not write it.
    let steps = [Step {
        title: "x".into(),
        statements: plain(vec![Invocation::new("Set-Mailbox")
            .string("Identity", "Alex Wilber")
            .string("SharingPolicy", "")]),
    }];
    let err = render_script("x", &steps).expect_err("'' is not a policy");
    assert_eq!(err.code(), "exchange.value_not_allowed");
    assert!(err.to_string().contains("$null"), "{err}");
}

/// The statements a plan exports for values known only while the script runs.
fn captured_steps(hostile: &str) -> Vec<Step> {
    let certificate = Variable::new("certificate").expect("name");
    let proof = Variable::new("proof1").expect("name");
    let thumbprint = Reference::new(certificate.clone(), "Thumbprint").expect("name");
    let value = Reference::new(proof.clone(), "Proof").expect("name");
    vec![
        Step {
            title: "Create the certificate and the trust".into(),
            statements: vec![
                Statement::Run {
                    assign: Some(certificate),
                    command: Command::literal(
                        &Invocation::new("New-ExchangeCertificate")
                            .string("FriendlyName", hostile)
                            .param("KeySize", ParamValue::Int(2048)),
                    ),
                    filter: None,
                },
                Statement::Run {
                    assign: None,
                    command: Command {
                        cmdlet: "New-FederationTrust".into(),
                        args: vec![
                            (
                                "Name".into(),
                                Arg::Value(ParamValue::String(hostile.into())),
                            ),
                            ("Thumbprint".into(), Arg::Reference(thumbprint)),
                        ],
                    },
                    filter: None,
                },
            ],
        },
        Step {
            title: format!("Publish the proof {hostile}"),
            statements: vec![
                Statement::Run {
                    assign: Some(proof),
                    command: Command::literal(
                        &Invocation::new("Get-FederatedDomainProof").string("DomainName", hostile),
                    ),
                    filter: Some(Filter {
                        property: "Name".into(),
                        equals: hostile.into(),
                    }),
                },
                Statement::Show(value),
                Statement::Pause(hostile.into()),
            ],
        },
    ]
}

#[test]
fn captured_values_are_variables_that_read_back_as_references() {
    let steps = captured_steps("OrgPrivCertificate");
    let script = render_script("Captures", &steps).expect("render");
    for line in [
        "$certificate = New-ExchangeCertificate -FriendlyName 'OrgPrivCertificate' -KeySize 2048",
        "New-FederationTrust -Name 'OrgPrivCertificate' -Thumbprint $certificate.Thumbprint",
        "$proof1 = Get-FederatedDomainProof -DomainName 'OrgPrivCertificate' | Where-Object -Property 'Name' -EQ -Value 'OrgPrivCertificate'",
        "Write-Host -Object $proof1.Proof",
        "Read-Host -Prompt 'OrgPrivCertificate'",
    ] {
        assert!(script.lines().any(|l| l == line), "{line}\n{script}");
    }
    let expected: Vec<Statement> = steps.into_iter().flat_map(|s| s.statements).collect();
    assert_eq!(parse_statements(&script).expect("parse"), expected);
    // The strict reader still refuses anything but literal calls.
    assert_eq!(
        parse_script(&script).expect_err("variables").code(),
        "exchange.script_parse"
    );
}

#[test]
fn hostile_values_beside_references_stay_literals() {
    for value in hostile_corpus().into_iter().filter(|v| !v.is_empty()) {
        let steps = captured_steps(&value);
        let script = render_script("x", &steps).expect("render");
        assert_clean(&script);
        let expected: Vec<Statement> = steps.into_iter().flat_map(|s| s.statements).collect();
        assert_eq!(
            parse_statements(&script).expect("parse"),
            expected,
            "{value:?}"
        );
    }
}

#[test]
fn only_the_exported_forms_of_variables_are_read() {
    for script in [
        "Get-FederationTrust -Identity $x.Name",
        "$x = Get-FederationTrust\nGet-FederationTrust -Identity $x",
        "$x = Get-FederationTrust\nGet-FederationTrust -Identity $x.Name.Length",
        "$x = Get-FederationTrust | Remove-FederationTrust",
        "$x = Get-FederationTrust | Where-Object { $_.Name -eq 'a' }",
        "$x = Get-FederationTrust | Where-Object -Property 'Name' -NE -Value 'a'",
        "$x += Get-FederationTrust",
        "$env:x = Get-FederationTrust",
        "$x = 'literal'",
        "Write-Host -Object 'text'",
        "Read-Host -Prompt $x.Name",
        "$x = Get-FederationTrust\nWrite-Host -Object $x.Name -ForegroundColor 'Red'",
    ] {
        let err = parse_statements(script).expect_err(script);
        assert_eq!(err.code(), "exchange.script_parse", "{script}: {err}");
    }
}

#[test]
fn a_reference_needs_an_earlier_assignment_and_a_plain_name() {
    let unassigned = [Step {
        title: "x".into(),
        statements: vec![Statement::Show(
            Reference::new(Variable::new("later").unwrap(), "Proof").unwrap(),
        )],
    }];
    assert_eq!(
        render_script("x", &unassigned)
            .expect_err("unassigned")
            .code(),
        "exchange.script_unassigned"
    );
    for bad in ["", "1x", "x y", "x.y", "_", "x$", "env:x", "{x}"] {
        assert_eq!(
            Variable::new(bad).expect_err(bad).code(),
            "exchange.script_name"
        );
    }
    let wrong_parameter = [Step {
        title: "x".into(),
        statements: vec![
            Statement::Run {
                assign: Some(Variable::new("c").unwrap()),
                command: Command::literal(&Invocation::new("Get-FederationTrust")),
                filter: None,
            },
            Statement::Run {
                assign: None,
                command: Command {
                    cmdlet: "New-FederationTrust".into(),
                    args: vec![(
                        "Thumbprnt".into(),
                        Arg::Reference(Reference::new(Variable::new("c").unwrap(), "T").unwrap()),
                    )],
                },
                filter: None,
            },
        ],
    }];
    assert_eq!(
        render_script("x", &wrong_parameter)
            .expect_err("unknown")
            .code(),
        "exchange.unknown_parameter"
    );
}

#[test]
fn comments_wrap_between_words_and_never_cut_one() {
    let title = format!(
        "{} <domain proof for sales.contoso.com> end",
        "word ".repeat(60)
    );
    let script = render_script(&title, &[]).expect("render");
    let words: Vec<&str> = script
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .flat_map(|l| l.split(' '))
        .collect();
    assert!(words.contains(&"sales.contoso.com>"), "{script}");
    assert!(script.lines().all(|l| l.chars().count() <= 102), "{script}");
    assert_eq!(words.iter().filter(|w| **w == "word").count(), 60);
}
