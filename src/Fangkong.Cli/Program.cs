using Fangkong.Cli;

return await FangkongCli.RunAsync(args);
