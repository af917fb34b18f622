module.exports = eval("require")("../..");
