//! `ShellError`s worded as PowerShell and Exchange word them.

use fedshare_exchange::protocol::ShellError;

/// An error thrown by an Exchange task: the exception name goes into both `exception` and the
/// FullyQualifiedErrorId, which Exchange forms as `<exception>,<task class>`.
pub fn task(
    cmdlet: &str,
    category: &str,
    exception: &str,
    message: impl Into<String>,
) -> ShellError {
    ShellError {
        category: category.to_owned(),
        exception: exception.to_owned(),
        message: message.into(),
        error_id: format!(
            "[Server=EX01] [FailureCategory=Cmdlet-{exception}] {exception},Microsoft.Exchange.Management.SystemConfigurationTasks.{}",
            cmdlet.replace('-', "")
        ),
    }
}

pub fn invalid_operation(cmdlet: &str, exception: &str, message: impl Into<String>) -> ShellError {
    task(cmdlet, "InvalidOperation", exception, message)
}

pub fn invalid_argument(cmdlet: &str, exception: &str, message: impl Into<String>) -> ShellError {
    task(cmdlet, "InvalidArgument", exception, message)
}

pub fn not_found(cmdlet: &str, identity: &str) -> ShellError {
    task(
        cmdlet,
        "NotSpecified",
        "ManagementObjectNotFoundException",
        format!("The operation couldn't be performed because object '{identity}' couldn't be found on 'dc01.contoso.com'."),
    )
}

pub fn already_exists(cmdlet: &str, name: &str) -> ShellError {
    task(
        cmdlet,
        "NotSpecified",
        "ADObjectAlreadyExistsException",
        format!("An object with the name '{name}' already exists."),
    )
}

pub fn command_not_found(cmdlet: &str) -> ShellError {
    ShellError {
        category: "ObjectNotFound".into(),
        exception: "CommandNotFoundException".into(),
        message: format!("The term '{cmdlet}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again."),
        error_id: "CommandNotFoundException".into(),
    }
}

fn binding(cmdlet: &str, id: &str, message: String) -> ShellError {
    ShellError {
        category: "InvalidArgument".into(),
        exception: "ParameterBindingException".into(),
        message,
        error_id: format!("{id},{cmdlet}"),
    }
}

pub fn unknown_parameter(cmdlet: &str, name: &str) -> ShellError {
    binding(
        cmdlet,
        "NamedParameterNotFound",
        format!("A parameter cannot be found that matches parameter name '{name}'."),
    )
}

pub fn missing_parameter(cmdlet: &str, name: &str) -> ShellError {
    binding(
        cmdlet,
        "MissingMandatoryParameter",
        format!(
            "Cannot process command because of one or more missing mandatory parameters: {name}."
        ),
    )
}

pub fn parameter_set(cmdlet: &str) -> ShellError {
    binding(
        cmdlet,
        "AmbiguousParameterSet",
        "Parameter set cannot be resolved using the specified named parameters.".into(),
    )
}

/// PowerShell's refusal of `$null` for a mandatory parameter.
pub fn null_not_allowed(cmdlet: &str, name: &str) -> ShellError {
    ShellError {
        category: "InvalidData".into(),
        exception: "ParameterBindingValidationException".into(),
        message: format!("Cannot bind argument to parameter '{name}' because it is null."),
        error_id: format!("ParameterArgumentValidationErrorNullNotAllowed,{cmdlet}"),
    }
}

pub fn bad_argument(cmdlet: &str, name: &str, detail: &str) -> ShellError {
    binding(
        cmdlet,
        "ParameterArgumentTransformationError",
        format!("Cannot process argument transformation on parameter '{name}'. {detail}"),
    )
}

/// What a cmdlet's confirmation prompt (ShouldContinue, PromptForChoice) meets in a host
/// started with `-NonInteractive`: ConsoleHost's HandleThrowOnReadAndPrompt throws
/// PSInvalidOperationException with ReadFailsOnNonInteractiveFlag's text.
pub fn non_interactive_prompt() -> ShellError {
    ShellError {
        category: "InvalidOperation".into(),
        exception: "PSInvalidOperationException".into(),
        message: "Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.".into(),
        error_id: "System.Management.Automation.PSInvalidOperationException".into(),
    }
}
