using CdrFunctions.Pipeline.Model;
using CdrFunctions.Pipeline.Normalize;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>
/// Issue #14: a curated Parquet file is written a row group of <see cref="CuratedParquet.RowGroupRows"/> records at a
/// time, so a large window never holds all its columns in memory; readers see one file of every row in order.
/// </summary>
public class CuratedParquetRowGroupTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(CuratedParquet.RowGroupRows, 1)]
    [InlineData(2 * CuratedParquet.RowGroupRows + 1, 3)]
    public async Task Rows_go_in_groups_of_the_set_size_and_read_back_whole_and_in_order(int rows, int groups)
    {
        var start = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, rows).Select(i => new CallRecord
        {
            Vendor = "alotech",
            CallId = $"call-{i:D6}",
            StartUtc = start.AddSeconds(i),
            TalkSeconds = i % 600,
            AgentName = i % 7 == 0 ? null : $"agent {i % 50}",
        });
        var path = Path.Combine(Path.GetTempPath(), $"cdr-groups-{Guid.NewGuid():N}.parquet");
        try
        {
            await using (var file = File.Create(path))
            {
                await CuratedParquet.WriteAsync(records, file, CancellationToken.None);
            }

            using var db = new DuckDb();
            Assert.Equal(groups, db.Scalar($"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{path}')"));
            Assert.Equal(rows, db.Scalar($"SELECT count(*) FROM read_parquet('{path}')"));
            // In the order given: the n-th row is call n, started n seconds in.
            Assert.Equal(0, db.Scalar($"""
                SELECT count(*) FROM (SELECT callId, startUtc, talkSeconds, agentName, row_number() OVER () - 1 AS n FROM read_parquet('{path}'))
                WHERE callId <> printf('call-%06d', n) OR epoch(startUtc) <> epoch(TIMESTAMPTZ '2026-11-27 00:00:00+00') + n
                   OR talkSeconds <> n % 600 OR (agentName IS NULL) <> (n % 7 = 0)
                """));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
