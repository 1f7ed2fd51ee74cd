using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;

namespace CdrFunctions.Pipeline.Normalize;

/// <summary>
/// One table row of a call: its own keys over the column set all the call's rows share. The table client writes any
/// entity that is a dictionary as that dictionary (PartitionKey, RowKey, then the columns, as a <see cref="TableEntity"/>
/// built the same way holds them), so a call's four rows cost four small objects instead of four copies of a
/// 22-column dictionary. A row is written, never edited: its columns are read-only.
/// </summary>
public sealed class CallRowDictionary(string partitionKey, string rowKey, KeyValuePair<string, object>[] columns)
    : ITableEntity, IDictionary<string, object>
{
    private const string PartitionKeyName = "PartitionKey";
    private const string RowKeyName = "RowKey";

    public string PartitionKey { get; set; } = partitionKey;

    public string RowKey { get; set; } = rowKey;

    /// <summary>Not a column: a row built to be written has none, and a conditional write passes its ETag itself.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc cref="Timestamp"/>
    public ETag ETag { get; set; }

    public int Count => columns.Length + 2;

    public bool IsReadOnly => true;

    public ICollection<string> Keys => [.. this.Select(p => p.Key)];

    public ICollection<object> Values => [.. this.Select(p => p.Value)];

    public object this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The row has no column '{key}'.");
        set => throw ReadOnly();
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object value)
    {
        value = key switch
        {
            PartitionKeyName => PartitionKey,
            RowKeyName => RowKey,
            _ => ColumnValue(key),
        };
        return value is not null;
    }

    private object? ColumnValue(string key)
    {
        foreach (var column in columns)
        {
            if (column.Key == key)
            {
                return column.Value;
            }
        }
        return null;
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool Contains(KeyValuePair<string, object> item) => TryGetValue(item.Key, out var value) && Equals(value, item.Value);

    public void CopyTo(KeyValuePair<string, object>[] array, int arrayIndex)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(arrayIndex + Count, array.Length, nameof(arrayIndex));
        array[arrayIndex] = new(PartitionKeyName, PartitionKey);
        array[arrayIndex + 1] = new(RowKeyName, RowKey);
        columns.CopyTo(array, arrayIndex + 2);
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return new(PartitionKeyName, PartitionKey);
        yield return new(RowKeyName, RowKey);
        foreach (var column in columns)
        {
            yield return column;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(string key, object value) => throw ReadOnly();

    public void Add(KeyValuePair<string, object> item) => throw ReadOnly();

    public bool Remove(string key) => throw ReadOnly();

    public bool Remove(KeyValuePair<string, object> item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    private static NotSupportedException ReadOnly() =>
        new("The rows of a call share their columns: map the changed record again instead of editing a row.");
}
