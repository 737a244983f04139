using McrExport.Cli;

using var signals = new TerminationSignals();
return await CliApp.RunAsync(args, CliConsole.System(), signals.Token).ConfigureAwait(false);
