namespace Backprop.Functional.IO.Unix;

/// <summary>
/// A write-only stream over an open descriptor (a FIFO, device, socket or the process's own
/// stream), written with <see cref="Libc.WriteAll"/> at the descriptor's own offset, so that output
/// made a piece at a time goes where the whole would have gone. A failed write throws an
/// <see cref="IOException"/> whose message is the system's description of the error.
/// </summary>
internal sealed class DescriptorStream(int fd) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Libc.WriteAll(fd, buffer) is not 0 and var errno) throw new IOException(Libc.Describe(errno));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
