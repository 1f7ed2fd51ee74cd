using DuckDB.NET.Data;

namespace CdrFunctions.Tests.PowerBi;

/// <summary>An in-memory DuckDB: an engine that shares no code with ours, reading our files the way a BI tool does.</summary>
internal sealed class DuckDb : IDisposable
{
    private readonly DuckDBConnection _connection = new("Data Source=:memory:");

    public DuckDb()
    {
        _connection.Open();
        Execute("SET TimeZone = 'UTC'"); // hour() and date casts of UTC timestamps, whatever the machine's zone
    }

    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public List<T> Query<T>(string sql, Func<DuckDBDataReader, T> read)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var reader = (DuckDBDataReader)command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(read(reader));
        }
        return list;
    }

    /// <summary>The single value of a one-row, one-column query, as a double (null when SQL NULL).</summary>
    public double? Scalar(string sql) => Query(sql, r => r.IsDBNull(0) ? (double?)null : r.GetValue(0) switch
    {
        System.Numerics.BigInteger big => (double)big, // sum() of integers is a HUGEINT
        var value => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
    }).Single();

    public void Dispose() => _connection.Dispose();
}
