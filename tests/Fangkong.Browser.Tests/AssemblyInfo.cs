// One web host at a time: BootstrapBlazor's JSON localizer caches the application's service provider in a static, so a
// host shut down by one test class would break the pages of another still running in the same process.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
