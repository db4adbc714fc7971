namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>Finds files of the source tree from the test binaries' output directory.</summary>
public static class RepositoryPaths
{
    /// <summary>
    /// Walks up from the test assembly's directory until <paramref name="relativePath"/> exists below a parent,
    /// and returns its full path.
    /// </summary>
    public static string Find(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
             directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"'{relativePath}' was not found in any parent of {AppContext.BaseDirectory}.", relativePath);
    }
}
