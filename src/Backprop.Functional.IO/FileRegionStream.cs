using Microsoft.Win32.SafeHandles;

namespace Backprop.Functional.IO;

/// <summary>
/// A read-only, forward-only stream over bytes <c>[start, end)</c> of an open file, read with
/// positional reads: several can read one descriptor at once, and none moves its offset.
/// </summary>
internal sealed class FileRegionStream : Stream
{
    private readonly SafeFileHandle _handle;
    private readonly long _start;
    private readonly long _end;
    private long _position;

    public FileRegionStream(SafeFileHandle handle, long start, long end) => (_handle, _start, _end, _position) = (handle, start, end, start);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _end - _start;
    public override long Position { get => _position - _start; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _end - _position);
        if (wanted <= 0) return 0;
        var read = RandomAccess.Read(_handle, buffer[..wanted], _position);
        _position += read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
