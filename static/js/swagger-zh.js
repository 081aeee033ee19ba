// Swagger UI has no translations of its own: its fixed labels are put into Chinese as it draws
// them. Only whole labels are replaced; the API's own words (already Chinese) are left alone.
(function () {
  "use strict";
  var words = {
    "Authorize": "认证",
    "Available authorizations": "可用的认证方式",
    "Logout": "退出",
    "Close": "关闭",
    "Value:": "值：",
    "Try it out": "试一试",
    "Cancel": "取消",
    "Execute": "执行",
    "Clear": "清除",
    "Parameters": "参数",
    "No parameters": "无参数",
    "Request body": "请求体",
    "Responses": "响应",
    "Response body": "响应体",
    "Response headers": "响应头",
    "Server response": "服务器响应",
    "Request URL": "请求地址",
    "Code": "状态码",
    "Description": "说明",
    "Details": "详情",
    "Links": "链接",
    "No links": "无链接",
    "Name": "名称",
    "Example Value": "示例",
    "Schema": "结构",
    "Schemas": "数据结构",
    "Media type": "媒体类型",
    "Controls Accept header.": "决定 Accept 请求头。",
    "Download": "下载",
    "Undocumented": "未记录",
    "required": "必填",
    "Filter by tag": "按分组筛选",
    "Loading...": "加载中…",
    "Servers": "服务器",
    "Edit Value": "编辑",
    "Headers:": "响应头：",
    "Name:": "名称：",
    "In:": "位置：",
  };

  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      if (Object.prototype.hasOwnProperty.call(words, text)) {
        node.nodeValue = node.nodeValue.replace(text, words[text]);
      }
    }
  }

  var ui = document.getElementById("swagger-ui");
  translate(ui);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      if (change.type === "characterData") translate(change.target.parentNode);
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === Node.ELEMENT_NODE) translate(node);
        else if (node.nodeType === Node.TEXT_NODE) translate(node.parentNode);
      });
    });
  }).observe(ui, { childList: true, characterData: true, subtree: true });
})();
