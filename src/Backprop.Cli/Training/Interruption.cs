using System.Runtime.InteropServices;

namespace Backprop.Cli.Training;

/// <summary>
/// Turns SIGINT (Ctrl-C) and SIGTERM into a request to stop after the current epoch, so its
/// state is written before the process exits with 130 or 143. A second signal is left to the
/// runtime's default handling.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private volatile int _exitCode;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public Interruption() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];

    /// <summary>Whether a stop was requested.</summary>
    public bool Requested => _exitCode != 0;

    /// <summary>130 after SIGINT, 143 after SIGTERM, 0 otherwise.</summary>
    public int ExitCode => _exitCode;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (Requested) return;
        context.Cancel = true;
        _exitCode = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
    }
}
