using CdrFunctions.Pipeline.Model;

namespace CdrFunctions.Tests.Core.Model;

/// <summary>
/// Issue #14: the normalizer's reader names each parsed record with its raw blob. A record a parser yields has no
/// blob yet and is named in place; one that names another blob is copied, so a record someone else holds never changes.
/// </summary>
public sealed class CallRecordNamingTests
{
    private const string Blob = "alotech/2026/11/22/1000.json";

    [Fact]
    public void An_unnamed_record_is_named_in_place()
    {
        var parsed = new CallRecord { Vendor = "alotech", CallId = "1", TalkSeconds = 5 };

        var named = parsed.NamedFrom(Blob);

        Assert.Same(parsed, named);
        Assert.Equal(Blob, named.RawBlob);
        Assert.Equal(new CallRecord { Vendor = "alotech", CallId = "1", TalkSeconds = 5, RawBlob = Blob }, named);
    }

    [Fact]
    public void A_record_of_the_same_blob_stays_and_one_of_another_blob_is_copied()
    {
        var same = new CallRecord { Vendor = "alotech", CallId = "1", RawBlob = Blob };
        var other = new CallRecord { Vendor = "alotech", CallId = "1", RawBlob = "alotech/2026/11/22/0900.json" };

        var renamed = other.NamedFrom(Blob);

        Assert.Same(same, same.NamedFrom(Blob));
        Assert.NotSame(other, renamed);
        Assert.Equal("alotech/2026/11/22/0900.json", other.RawBlob);
        Assert.Equal(other with { RawBlob = Blob }, renamed);
    }
}
