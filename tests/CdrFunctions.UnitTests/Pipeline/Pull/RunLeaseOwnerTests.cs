using System.Diagnostics;
using CdrFunctions.Pipeline.Pull;

namespace CdrFunctions.Tests.Pipeline.Pull;

/// <summary>Issue #11: a run killed mid-pull held its vendor's lease for 10 minutes; a run on the same machine can now tell the holder is gone.</summary>
public class RunLeaseOwnerTests
{
    [Fact]
    public void The_owner_written_into_the_lease_reads_back_as_written()
    {
        var owner = RunLeaseOwner.ForThisProcess();
        Assert.Equal(owner, RunLeaseOwner.TryParse(owner.ToString()));
        Assert.Equal(Environment.ProcessId, owner.ProcessId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("3f2b9c1d0e4a4b7f8c6d5e4f3a2b1c0d")] // a lease taken before the owner named its process
    [InlineData("id@host")]
    [InlineData("id@host#12")]
    [InlineData("id@host#x.1")]
    [InlineData("@host#1.2")]
    [InlineData("id@#1.2")]
    public void Other_forms_are_not_an_owner_that_can_be_checked(string? text) => Assert.Null(RunLeaseOwner.TryParse(text));

    [Fact]
    public void A_host_name_with_the_separators_in_it_still_reads_back()
    {
        var owner = new RunLeaseOwner("id", "odd@host#name", 42, 638_000_000_000_000_000);
        Assert.Equal(owner, RunLeaseOwner.TryParse(owner.ToString()));
    }

    [Fact]
    public void A_running_holder_on_this_machine_is_not_gone() =>
        Assert.False(RunLeaseOwner.ForThisProcess().IsGoneFromThisMachine());

    [Fact]
    public async Task A_holder_whose_process_exited_is_gone()
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
        var owner = new RunLeaseOwner("id", Environment.MachineName, process.Id, process.StartTime.ToUniversalTime().Ticks);
        await process.WaitForExitAsync();
        process.Dispose();
        Assert.True(owner.IsGoneFromThisMachine());
    }

    [Fact]
    public void A_holder_whose_process_id_now_belongs_to_a_later_process_is_gone()
    {
        var me = RunLeaseOwner.ForThisProcess();
        Assert.True((me with { ProcessStartTicks = me.ProcessStartTicks - TimeSpan.TicksPerHour }).IsGoneFromThisMachine());
    }

    [Fact]
    public void A_holder_on_another_machine_is_never_taken_for_gone()
    {
        var me = RunLeaseOwner.ForThisProcess();
        Assert.False((me with { Host = "another-" + me.Host, ProcessId = int.MaxValue }).IsGoneFromThisMachine());
    }
}
